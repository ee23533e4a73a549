/**
 * Every pinned component version, in one place. Reports show these.
 * The Go wrapper modules under ./go pin the same versions in their go.mod files; a unit test
 * keeps the two in step.
 */
export const versions = {
  kubernetes: 'v1.36.3',
  etcd: 'v3.6.16',
  /** Published as Go module github.com/prometheus/prometheus v0.316.0. */
  prometheus: 'v3.16.0',
  /** Istio's CRDs come from the istio.io/api module at this version. */
  istio: 'v1.32.0',
  flagger: 'v1.44.0',
  /** Stakater Reloader: restarts workloads when a ConfigMap or Secret they use changes. */
  reloader: 'v1.4.22',
  /** Wave (wave-k8s/wave): the same by a config-hash annotation; not served by the Go module proxy here. */
  wave: 'v0.11.0',
  /** The load generator. k6 is AGPL-licensed, which this project may not use. */
  vegeta: 'v12.13.0',
  /** Checks the GitHub workflows in `npm test`. */
  actionlint: 'v1.7.12',
  /** The kind provider's cluster tool (istioctl and kubectl follow the istio and kubernetes pins). */
  kind: 'v0.33.0',
} as const;

/**
 * The previous minor of Kubernetes, of each add-on and of Prometheus, which the nightly workflow's
 * matrix runs the scenarios against (`--component NAME=VERSION`).
 */
export const previousMinors = { kubernetes: 'v1.35.4', flagger: 'v1.43.0', reloader: 'v1.3.0', prometheus: 'v3.15.1' } as const;

/** Prometheus 3.x.y is Go module version v0.3xx.y. */
export const prometheusModuleVersion = (release: string) => {
  const [major, minor, patch] = release.slice(1).split('.').map(Number) as [number, number, number];
  return `v0.${major * 100 + minor}.${patch}`;
};

/** Components that provide binaries: Istio's pin gives istioctl, Kubernetes's also gives kubectl. */
export type ComponentName = Exclude<keyof typeof versions, 'istio'> | 'istioctl' | 'kubectl';
