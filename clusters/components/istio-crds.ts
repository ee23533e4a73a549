import { copyFile, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../kube/index.ts';
import type { Progress } from '../progress.ts';
import { cacheRoot } from './cache-dir.ts';
import { goBuildEnv } from './go-build.ts';
import { versions } from './versions.ts';

/** The Istio kinds the embedded mesh honours; only their CRDs are installed. */
export const ISTIO_KINDS = ['Gateway', 'VirtualService', 'DestinationRule'] as const;
const MODULE = 'istio.io/api';
const MANIFEST = 'kubernetes/customresourcedefinitions.gen.yaml';

/**
 * Istio's published CRD manifest from the pinned istio.io/api module (fetched through the Go
 * module proxy, cached by version), never a hand-written copy.
 */
export async function istioCrdManifest(progress: Progress): Promise<string> {
  const dir = join(cacheRoot(), 'istio-api', versions.istio);
  const cached = join(dir, 'crds.yaml');
  if (await stat(cached).then(() => true, () => false)) return cached;
  const task = progress.begin(`fetch ${MODULE}@${versions.istio} from the Go module proxy`);
  const args = ['mod', 'download', '-json', `${MODULE}@${versions.istio}`];
  progress.command(['go', ...args]);
  await mkdir(dir, { recursive: true });
  const res = await execa('go', args, { env: goBuildEnv, reject: false, cwd: dir });
  if (res.exitCode !== 0) {
    task.end('failed');
    throw new Error(`cannot fetch ${MODULE}@${versions.istio} for Istio's CRDs: ${res.stderr || res.stdout || res.message}`);
  }
  const moduleDir = (JSON.parse(res.stdout) as { Dir: string }).Dir;
  await copyFile(join(moduleDir, MANIFEST), `${cached}.tmp`);
  await rename(`${cached}.tmp`, cached);
  task.end('done');
  return cached;
}

/** The CustomResourceDefinitions for {@link ISTIO_KINDS} out of the manifest. */
export async function istioCrds(manifest: string): Promise<KubeObject[]> {
  const docs = parseAllDocuments(await readFile(manifest, 'utf8')).map((d) => d.toJSON() as Record<string, unknown> | null);
  const crds = docs.filter((d): d is KubeObject => {
    const spec = d?.spec as { group?: string; names?: { kind?: string } } | undefined;
    return d?.kind === 'CustomResourceDefinition' && spec?.group === 'networking.istio.io' && (ISTIO_KINDS as readonly string[]).includes(spec.names?.kind ?? '');
  });
  if (crds.length !== ISTIO_KINDS.length) throw new Error(`${manifest} lacks some of ${ISTIO_KINDS.join(', ')}`);
  return crds;
}
