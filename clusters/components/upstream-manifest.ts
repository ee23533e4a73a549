import { readFile } from 'node:fs/promises';
import { loadAll } from 'js-yaml';
import type { KubeObject } from '../kube/index.ts';

/**
 * The objects in an upstream manifest. js-yaml reads these files as Go's YAML does; some (Flagger's
 * CRDs) have quoted scalars continued at the key's indentation, which stricter parsers refuse.
 */
export async function readManifest(file: string): Promise<KubeObject[]> {
  return (loadAll(await readFile(file, 'utf8')) as Array<KubeObject | null>).filter((d): d is KubeObject => Boolean(d?.kind));
}
