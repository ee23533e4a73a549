import type { ApplyOptions, KubeClient, KubeObject, KubeResponse, KubeStatus } from '../clusters/kube/index.ts';
import type { ScenarioContext } from '../harness/scenario.ts';

/** The group every scenario user belongs to; RBAC grants go to it. */
export const SCENARIO_GROUP = 'testbed:scenario-users';

/** A user name in the scenario's identity space, e.g. `testbed:alice`. */
export const scenarioUser = (name: string) => `testbed:${name}`;

/** A field manager of its own name, acting as its own scenario user: RBAC, not the harness's admin rights, decides what it may write. */
export interface FieldManager {
  readonly name: string;
  readonly kube: KubeClient;
  apply(object: KubeObject, options?: Omit<ApplyOptions, 'fieldManager'>): Promise<KubeResponse<unknown>>;
}

export function asFieldManager(t: ScenarioContext<unknown>, name: string): FieldManager {
  const kube = t.kube.as(scenarioUser(name), [SCENARIO_GROUP]);
  return { name, kube, apply: (object, options = {}): Promise<KubeResponse<KubeObject | KubeStatus>> => kube.apply(object, { fieldManager: name, ...options }) };
}

/**
 * Grants the scenario users, and only them, the given verbs on resources in the namespace:
 * requests made as those users are then authorised by RBAC, not by the harness's admin rights.
 */
export async function grantScenarioUsers(
  t: ScenarioContext<unknown>,
  rules: ReadonlyArray<{ apiGroups: string[]; resources: string[]; verbs: string[] }>,
): Promise<void> {
  const { kube, namespace } = t;
  const manager = { fieldManager: 'delivery-testbed' };
  await kube.call('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`, {
    body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'scenario-users', namespace }, rules },
    query: manager,
  });
  await kube.call('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
    body: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'scenario-users', namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'scenario-users' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: SCENARIO_GROUP }],
    },
    query: manager,
  });
  const first = rules[0];
  if (first) await waitUntilAllowed(t, scenarioUser('any'), { verb: first.verbs[0]!, resource: first.resources[0]!, group: first.apiGroups[0]!, namespace }, [SCENARIO_GROUP]);
}

/** Waits until RBAC (whose caches trail writes) allows `user` the given access, via a SubjectAccessReview. */
export async function waitUntilAllowed(
  t: ScenarioContext<unknown>,
  user: string,
  access: { verb: string; resource: string; group?: string; namespace?: string },
  groups: readonly string[] = [SCENARIO_GROUP],
): Promise<void> {
  await t.waitFor(
    `RBAC to allow ${user} to ${access.verb} ${access.resource}`,
    async () => {
      const review = await t.kube.call<{ status?: { allowed?: boolean } }>('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: { user, groups, resourceAttributes: { verb: access.verb, resource: access.resource, group: access.group ?? '', ...(access.namespace ? { namespace: access.namespace } : {}) } },
        },
      });
      return review.status?.allowed === true;
    },
    10_000,
  );
}
