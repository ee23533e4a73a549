import { readFile } from 'node:fs/promises';
import { loadAllYaml } from '@kubernetes/client-node';
import type { KubeObject } from '../kube/index.ts';

/**
 * The objects in an upstream manifest. The Kubernetes client's loader reads these files as Go's
 * YAML does; some (Flagger's CRDs) have quoted scalars continued at the key's indentation, which
 * the `yaml` package, a strict YAML 1.2 parser, refuses.
 */
export async function readManifest(file: string): Promise<KubeObject[]> {
  return (loadAllYaml(await readFile(file, 'utf8')) as Array<KubeObject | null>).filter((d): d is KubeObject => Boolean(d?.kind));
}
