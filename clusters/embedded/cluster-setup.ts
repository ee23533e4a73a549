import { KubeClient, type KubeObject } from '../kube/index.ts';

const FIELD_MANAGER = 'delivery-testbed';
export const PROMETHEUS_USER = 'testbed:prometheus';

/**
 * Server-side applies each object as the harness, as raw JSON: a typed client model would drop
 * schema keywords it does not know from a CRD (x-kubernetes-int-or-string, say).
 */
async function applyAll(kube: KubeClient, objects: readonly KubeObject[]): Promise<void> {
  for (const object of objects) await kube.call('PATCH', await kube.path({ ...object, name: object.metadata.name }), {
    query: { fieldManager: FIELD_MANAGER, force: 'true' },
    body: object,
    contentType: 'application/apply-patch+yaml',
  });
}

/** Lets Prometheus discover pods, services and endpoints through the API server, read-only. */
export async function grantPrometheusDiscovery(kube: KubeClient): Promise<void> {
  await applyAll(kube, [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: PROMETHEUS_USER },
      rules: [{ apiGroups: [''], resources: ['pods', 'services', 'endpoints', 'nodes'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: PROMETHEUS_USER },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: PROMETHEUS_USER },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: PROMETHEUS_USER }],
    },
  ]);
}

/** Installs CRDs and waits until the API server serves each of them. */
export async function installCrds(kube: KubeClient, crds: readonly KubeObject[], timeoutMs = 30_000): Promise<void> {
  await applyAll(kube, crds);
  const deadline = Date.now() + timeoutMs;
  for (const crd of crds) {
    for (;;) {
      const current = await kube.get<KubeObject & { status?: { conditions?: Array<{ type: string; status: string }> } }>({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        name: crd.metadata.name,
      });
      if (current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} was not Established within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
