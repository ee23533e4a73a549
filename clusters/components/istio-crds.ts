import { join } from 'node:path';
import type { KubeObject } from '../kube/index.ts';
import type { Progress } from '../progress.ts';
import { goModuleSource } from './module-source.ts';
import { readManifest } from './upstream-manifest.ts';
import { versions } from './versions.ts';

/** The Istio kinds the embedded mesh honours; only their CRDs are installed. */
export const ISTIO_KINDS = ['Gateway', 'VirtualService', 'DestinationRule'] as const;
const MODULE = 'istio.io/api';
const MANIFEST = 'kubernetes/customresourcedefinitions.gen.yaml';

/**
 * Istio's published CRD manifest from the pinned istio.io/api module (fetched through the Go
 * module proxy), never a hand-written copy.
 */
export async function istioCrdManifest(progress: Progress): Promise<string> {
  return join(await goModuleSource(MODULE, versions.istio, progress), MANIFEST);
}

/** The CustomResourceDefinitions for {@link ISTIO_KINDS} out of the manifest. */
export async function istioCrds(manifest: string): Promise<KubeObject[]> {
  const crds = (await readManifest(manifest)).filter((d) => {
    const spec = d.spec as { group?: string; names?: { kind?: string } } | undefined;
    return d.kind === 'CustomResourceDefinition' && spec?.group === 'networking.istio.io' && (ISTIO_KINDS as readonly string[]).includes(spec.names?.kind ?? '');
  });
  if (crds.length !== ISTIO_KINDS.length) throw new Error(`${manifest} lacks some of ${ISTIO_KINDS.join(', ')}`);
  return crds;
}
