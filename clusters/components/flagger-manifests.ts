import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KubeObject } from '../kube/index.ts';
import type { Progress } from '../progress.ts';
import { goModuleSource } from './module-source.ts';
import { readManifest } from './upstream-manifest.ts';
import { versions } from './versions.ts';

const MODULE = 'github.com/fluxcd/flagger';

export interface FlaggerManifests {
  /** Canary, MetricTemplate and AlertProvider: Flagger refuses to start without all three. */
  readonly crds: readonly KubeObject[];
  /** Namespace, ServiceAccount, ClusterRole and ClusterRoleBinding, as upstream's kustomize base has them. */
  readonly access: readonly KubeObject[];
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
}

/** Flagger's CRDs and RBAC, read from the pinned module's kustomize base, never from a copy. */
export async function flaggerManifests(progress: Progress): Promise<FlaggerManifests> {
  const base = join(await goModuleSource(MODULE, versions.flagger, progress), 'kustomize', 'base', 'flagger');
  const kustomization = parse(await readFile(join(base, 'kustomization.yaml'), 'utf8')) as { namespace: string };
  const crds = await readManifest(join(base, 'crd.yaml'));
  const account = await readManifest(join(base, 'account.yaml'));
  const rbac = await readManifest(join(base, 'rbac.yaml'));
  const sa = account.find((o) => o.kind === 'ServiceAccount');
  if (!sa || crds.length !== 3 || !rbac.some((o) => o.kind === 'ClusterRoleBinding')) {
    throw new Error(`${base} no longer has the CRDs, ServiceAccount and RBAC this harness expects of Flagger ${versions.flagger}`);
  }
  // kustomize sets the namespace of every namespaced object (and of binding subjects) to the base's.
  const namespace = kustomization.namespace;
  const inNamespace = (o: KubeObject): KubeObject => (o.kind === 'ServiceAccount' ? { ...o, metadata: { ...o.metadata, namespace } } : o);
  const bindSubjects = (o: KubeObject): KubeObject =>
    o.kind === 'ClusterRoleBinding'
      ? { ...o, subjects: (o.subjects as Array<Record<string, string>>).map((s) => (s.kind === 'ServiceAccount' ? { ...s, namespace } : s)) }
      : o;
  return {
    crds,
    access: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, ...account.map(inNamespace), ...rbac.map(bindSubjects)],
    serviceAccount: { namespace, name: sa.metadata.name },
  };
}
