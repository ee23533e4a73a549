import { stringify } from 'yaml';

/**
 * Objects as one YAML file, a document each, for the Go tools that read it (kubectl, kind,
 * istioctl, kustomize). Those read YAML 1.1, where an unquoted `yes`, `on` or `0755` is no string,
 * so it is written as 1.1: such strings quoted.
 */
export function manifestYaml(objects: readonly unknown[]): string {
  return objects.map((o) => stringify(o, { version: '1.1' })).join('---\n');
}
