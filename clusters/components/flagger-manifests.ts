import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KubeObject } from '../kube/index.ts';
import type { Progress } from '../progress.ts';
import { OVERRIDABLE_MODULES } from './catalog.ts';
import { goModuleSource } from './module-source.ts';
import { readManifest } from './upstream-manifest.ts';
import { versions } from './versions.ts';

const MODULE = OVERRIDABLE_MODULES.flagger;

export interface FlaggerManifests {
  /** Canary, MetricTemplate and AlertProvider: Flagger refuses to start without all three. */
  readonly crds: readonly KubeObject[];
  /** Namespace, ServiceAccount, ClusterRole and ClusterRoleBinding, as upstream's kustomize base has them. */
  readonly access: readonly KubeObject[];
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
}

/**
 * Flagger's CRDs and RBAC, read from the pinned module's kustomize base, never from a copy. With
 * `overlay: 'istio'` they are as upstream's Istio overlay makes them (namespace istio-system) and
 * include its Deployment, image pinned and args from the overlay's patch, for an in-cluster install.
 */
export async function flaggerManifests(progress: Progress, overlay?: 'istio', version: string = versions.flagger): Promise<FlaggerManifests> {
  const root = join(await goModuleSource(MODULE, version, progress), 'kustomize');
  const base = join(root, 'base', 'flagger');
  const kustomization = parse(await readFile(join(base, 'kustomization.yaml'), 'utf8')) as { namespace: string; images: Array<{ name: string; newName: string; newTag: string }> };
  const crds = await readManifest(join(base, 'crd.yaml'));
  const account = await readManifest(join(base, 'account.yaml'));
  const rbac = await readManifest(join(base, 'rbac.yaml'));
  const sa = account.find((o) => o.kind === 'ServiceAccount');
  if (!sa || crds.length !== 3 || !rbac.some((o) => o.kind === 'ClusterRoleBinding')) {
    throw new Error(`${base} no longer has the CRDs, ServiceAccount and RBAC this harness expects of Flagger ${version}`);
  }
  const overlayDir = overlay && join(root, overlay);
  // kustomize sets the namespace of every namespaced object (and of binding subjects) to the kustomization's.
  const namespace = overlayDir ? (parse(await readFile(join(overlayDir, 'kustomization.yaml'), 'utf8')) as { namespace: string }).namespace : kustomization.namespace;
  const inNamespace = (o: KubeObject): KubeObject => (o.kind === 'ServiceAccount' || o.kind === 'Deployment' ? { ...o, metadata: { ...o.metadata, namespace } } : o);
  const bindSubjects = (o: KubeObject): KubeObject =>
    o.kind === 'ClusterRoleBinding'
      ? { ...o, subjects: (o.subjects as Array<Record<string, string>>).map((s) => (s.kind === 'ServiceAccount' ? { ...s, namespace } : s)) }
      : o;
  const deployments = overlayDir ? [inNamespace(await overlaidDeployment(base, overlayDir, kustomization.images))] : [];
  return {
    crds,
    access: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, ...account.map(inNamespace), ...rbac.map(bindSubjects), ...deployments],
    serviceAccount: { namespace, name: sa.metadata.name },
  };
}

/** The base Deployment with the kustomization's image tag and the overlay patch's container args. */
async function overlaidDeployment(base: string, overlayDir: string, images: ReadonlyArray<{ name: string; newName: string; newTag: string }>): Promise<KubeObject> {
  type Deployment = KubeObject & { spec: { template: { spec: { containers: Array<{ name: string; image: string; args?: string[] }> } } } };
  const [deployment] = (await readManifest(join(base, 'deployment.yaml'))) as Deployment[];
  const patch = (await readManifest(join(overlayDir, 'patch.yaml'))).find((o) => o.kind === 'Deployment') as Deployment | undefined;
  if (!deployment || !patch) throw new Error(`${base}/deployment.yaml or ${overlayDir}/patch.yaml is not what this harness expects of Flagger`);
  for (const container of deployment.spec.template.spec.containers) {
    const image = images.find((i) => container.image.startsWith(`${i.name}:`));
    if (image) container.image = `${image.newName}:${image.newTag}`;
    const args = patch.spec.template.spec.containers.find((c) => c.name === container.name)?.args;
    if (args) container.args = args;
  }
  return deployment;
}
