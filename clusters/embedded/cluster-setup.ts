import type { KubeClient, KubeObject } from '../kube/index.ts';
import { poll } from '../poll.ts';

const FIELD_MANAGER = 'delivery-testbed';

/** Read-only identities of the add-ons, and what each may read. */
export const ADDON_USERS = {
  prometheus: { user: 'testbed:prometheus', rules: [{ apiGroups: [''], resources: ['pods', 'services', 'endpoints', 'nodes'], verbs: ['get', 'list', 'watch'] }] },
  mesh: {
    user: 'testbed:mesh',
    rules: [
      { apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['networking.istio.io'], resources: ['gateways', 'virtualservices', 'destinationrules'], verbs: ['get', 'list', 'watch'] },
    ],
  },
} as const;

/**
 * Server-side applies each object as the harness, as raw JSON: a typed client model would drop
 * schema keywords it does not know from a CRD (x-kubernetes-int-or-string, say).
 */
export async function applyAll(kube: KubeClient, objects: readonly KubeObject[]): Promise<void> {
  for (const object of objects) {
    const res = await kube.apply(object, { fieldManager: FIELD_MANAGER, force: true });
    if (res.status < 200 || res.status > 299) {
      throw new Error(`applying ${object.kind} ${object.metadata.name}: HTTP ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    }
  }
}

/** Grants each add-on identity exactly the reads it needs, cluster-wide. */
export async function grantAddonAccess(kube: KubeClient): Promise<void> {
  await applyAll(
    kube,
    Object.values(ADDON_USERS).flatMap(({ user, rules }): KubeObject[] => [
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: user }, rules },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: user },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: user },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
      },
    ]),
  );
}

/** Installs CRDs and waits until the API server serves each of them. */
export async function installCrds(kube: KubeClient, crds: readonly KubeObject[], timeoutMs = 30_000): Promise<void> {
  await applyAll(kube, crds);
  for (const crd of crds) {
    await poll({
      what: `CRD ${crd.metadata.name} to be Established`,
      probe: async () => {
        const current = await kube.get<KubeObject & { status?: { conditions?: Array<{ type: string; status: string }> } }>({
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          name: crd.metadata.name,
        });
        return current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
      },
      timeoutMs,
      intervalMs: 100,
    });
  }
}
