/**
 * Every pinned component version, in one place. Reports show these.
 * The Go wrapper modules under ./go pin the same versions in their go.mod files; a unit test
 * keeps the two in step.
 */
export const versions = {
  kubernetes: 'v1.36.3',
  etcd: 'v3.6.16',
} as const;

export type ComponentName = keyof typeof versions;
