import { join } from 'node:path';
import type { KubeObject } from '../kube/index.ts';
import type { Progress } from '../progress.ts';
import { OVERRIDABLE_MODULES } from './catalog.ts';
import { goModuleSource } from './module-source.ts';
import { readManifest } from './upstream-manifest.ts';
import { versions } from './versions.ts';

const MODULE = OVERRIDABLE_MODULES.reloader;
/** Upstream's manifests put Reloader in `default`; here it gets a namespace of its own. */
export const RELOADER_NAMESPACE = 'reloader';

export interface ReloaderManifests {
  /** Namespace, ServiceAccount, ClusterRole and its binding, and the Role for Reloader's meta-info ConfigMap. */
  readonly access: readonly KubeObject[];
  /** Upstream's Deployment (image `ghcr.io/stakater/reloader:<pin>`), for an in-cluster install. */
  readonly deployment: KubeObject;
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
}

/**
 * Reloader's RBAC and Deployment, read from the pinned module's `deployments/kubernetes/manifests/`,
 * never from a copy, and moved from `default` to {@link RELOADER_NAMESPACE} as kustomize's
 * `namespace:` would move them (namespaced objects and ServiceAccount subjects).
 */
export async function reloaderManifests(progress: Progress, version: string = versions.reloader): Promise<ReloaderManifests> {
  const dir = join(await goModuleSource(MODULE, version, progress), 'deployments', 'kubernetes', 'manifests');
  const objects = (await Promise.all(['serviceaccount', 'clusterrole', 'clusterrolebinding', 'role', 'deployment'].map((f) => readManifest(join(dir, `${f}.yaml`))))).flat();
  const sa = objects.find((o) => o.kind === 'ServiceAccount');
  const deployment = objects.find((o) => o.kind === 'Deployment');
  if (!sa || !deployment || !objects.some((o) => o.kind === 'ClusterRole') || !objects.some((o) => o.kind === 'ClusterRoleBinding')) {
    throw new Error(`${dir} no longer has the ServiceAccount, ClusterRole, ClusterRoleBinding and Deployment this harness expects of Reloader ${version}`);
  }
  const moved = objects.map((o) => {
    const namespaced = o.metadata.namespace === undefined ? o : { ...o, metadata: { ...o.metadata, namespace: RELOADER_NAMESPACE } };
    const subjects = namespaced.subjects as Array<Record<string, string>> | undefined;
    return subjects ? { ...namespaced, subjects: subjects.map((s) => (s.kind === 'ServiceAccount' ? { ...s, namespace: RELOADER_NAMESPACE } : s)) } : namespaced;
  });
  return {
    access: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: RELOADER_NAMESPACE } }, ...moved.filter((o) => o.kind !== 'Deployment')],
    deployment: moved.find((o) => o.kind === 'Deployment')!,
    serviceAccount: { namespace: RELOADER_NAMESPACE, name: sa.metadata.name },
  };
}
