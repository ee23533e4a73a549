import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { checksOf } from '../harness/check-proofs.ts';
import { defineScenario, type ScenarioContext } from '../harness/scenario.ts';
import { fieldConflicts, isStatus, managedFieldPaths, ownersOf, type KubeClient, type KubeObject, type KubeResponse, type KubeStatus } from '../clusters/kube/index.ts';
import { toolCommand } from '../clusters/components/index.ts';
import { percentile } from '../load/index.ts';
import { sabotageTunable, type TunableValues } from '../harness/tunables.ts';
import { SCENARIO_GROUP, asFieldManager, grantScenarioUsers, scenarioUser, waitUntilAllowed, type FieldManager } from './scenario-users.ts';

const tunables = {
  managers: { type: 'number', default: 20, min: 1, max: 200, description: 'concurrent field managers in (i)' },
  // Contention, not volume, is what (i) tests: 20 writers of one object make every write retry inside
  // the API server, so each round costs ~20× one apply. Ten rounds see ~100 such retries in ~12 s; 50
  // saw no more kinds of outcome, and held the API server from every other attempt for 75 s.
  applies: { type: 'number', default: 10, min: 1, max: 1000, description: 'applies per manager in (i)' },
  sabotage: sabotageTunable(
    'break the appliers on purpose: force every apply (and kubectl --force-conflicts), or write with Update (merge patch) instead of Apply',
    'always-force', 'update-instead-of-apply',
  ),
} as const;

const CHECKS = {
  conflict: '(a) conflict: a second manager applying a different value gets 409 naming the field and its owner',
  force: '(b) force: a forced apply takes ownership, and managedFields show the move',
  shared: '(c) shared ownership: the same value from two managers makes both owners',
  omission: '(d) omission: a field only the omitting manager owned is removed; a shared one is kept',
  scale: '(e) controller vs applier: an apply of replicas after a /scale update conflicts, naming that manager and the subresource',
  clientSide: "(f) client-side apply silently overwrites the controller's replicas, where server-side apply reports a conflict",
  dryRun: '(g) dry run: a server-side dry run reports the conflict and persists nothing',
  nodeLabel: '(h) node labels: a user applying a label the node agent owns gets a conflict naming the agent',
  concurrency: '(i) concurrency: every request succeeds or gets a field conflict, and no update is lost',
  kubectl: '(j) kubectl apply --server-side reports the conflict with the field and the owning manager',
} as const;

type Context = ScenarioContext<TunableValues<typeof tunables>>;

const DEMO_IMAGE = 'delivery-testbed/demo-app';
// An empty `data: {}` would be applied as a value of its own, owning `.data` as a whole.
const configMap = (namespace: string, name: string, data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  ...(Object.keys(data).length ? { data } : {}),
});
const deployment = (namespace: string, name: string, spec: { replicas?: number; image: string }): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: {
    ...(spec.replicas === undefined ? {} : { replicas: spec.replicas }),
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: spec.image }] } },
  },
});

/** What a writer's request came back with, in the terms the checks compare. */
function outcome(res: KubeResponse<unknown>) {
  const status = isStatus(res.body) ? (res.body as KubeStatus) : undefined;
  return { status: res.status, conflicts: status && res.status === 409 ? fieldConflicts(status).map((c) => ({ field: c.field, manager: c.manager })) : [] };
}

/** A field manager whose Apply the sabotage tunable swaps for a forced Apply or an Update, which is what a broken client would do. */
function applier(t: Context, name: string): FieldManager {
  const manager = asFieldManager(t, name);
  return {
    ...manager,
    apply(object, options = {}) {
      switch (t.tunables.sabotage) {
        case 'always-force':
          return manager.apply(object, { ...options, force: true });
        case 'update-instead-of-apply':
          return writeWithUpdate(manager.kube, object, name);
        default:
          return manager.apply(object, options);
      }
    },
  };
}

/** What a client that never learned SSA does: merge-patch the object, or create it when missing. */
async function writeWithUpdate(kube: KubeClient, object: KubeObject, fieldManager: string): Promise<KubeResponse<unknown>> {
  const ref = { apiVersion: object.apiVersion, kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name };
  const patched = await kube.mergePatch(ref, object, { fieldManager });
  if (patched.status !== 404) return patched;
  return kube.request('POST', await kube.path({ ...ref, name: undefined }), { query: { fieldManager }, body: object });
}

const data = (o: KubeObject) => (o as { data?: Record<string, string> }).data ?? {};
const replicas = (o: KubeObject) => (o as { spec?: { replicas?: number } }).spec?.replicas;

/** Who owns which field of the settings ConfigMap: what each apply below changes, or is refused. */
const managedFields = (namespace: string) => [['-n', namespace, 'get', 'configmap', 'settings', '--show-managed-fields', '-o', 'yaml']];

export const conflictingApply = defineScenario({
  name: 'conflicting-apply',
  summary: 'Server-side apply conflict detection: field managers, managedFields, force, shared ownership, dry run, concurrency',
  needs: { components: ['kubernetes'], addons: [] },
  tunables,
  // (i) is a load test of the API server, whose applies/s and p99 mean nothing beside other attempts'
  // requests, and which starves them (a PATCH of theirs waits past its 30 s timeout). (h) applies a
  // label of the first node, which a sabotaged applier takes.
  holds: () => ({ 'kube-apiserver': 'exclusive', nodes: 'exclusive' }),
  checks: checksOf(CHECKS),
  sabotages: {
    'always-force': {
      kind: 'misconfiguration',
      seenIn: 'https://github.com/grafana/tanka/issues/852 (an applier told to force past every conflict); https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts',
      // (b): bob's forced apply in (a) already took the color, so (b) sees bob, not alice, owning it before.
      fails: [CHECKS.conflict, CHECKS.force, CHECKS.scale, CHECKS.clientSide, CHECKS.dryRun, CHECKS.nodeLabel, CHECKS.kubectl],
    },
    'update-instead-of-apply': {
      kind: 'misconfiguration',
      seenIn: 'https://kubernetes.io/docs/reference/using-api/server-side-apply/#comparison-with-client-side-apply (a client that still writes with Update or a merge patch)',
      fails: [CHECKS.conflict, CHECKS.force, CHECKS.shared, CHECKS.omission, CHECKS.scale, CHECKS.clientSide, CHECKS.dryRun, CHECKS.nodeLabel, CHECKS.concurrency],
    },
  },
  async run(t) {
    const ns = t.namespace;
    const alice = applier(t, 'alice');
    const bob = applier(t, 'bob');
    const settingsRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'settings' };

    await t.step('given: users alice, bob and a scaler, bound by RBAC in the namespace', () =>
      grantScenarioUsers(t, [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'create', 'patch', 'update'] },
        { apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], verbs: ['get', 'list', 'create', 'patch', 'update'] },
      ]),
    );

    await t.step('given: alice applies color, size and flavor', async () => {
      const res = await alice.apply(configMap(ns, 'settings', { color: 'blue', size: 'small', flavor: 'vanilla' }));
      if (res.status !== 201 && res.status !== 200) throw new Error(`alice's first apply got HTTP ${res.status}: ${JSON.stringify(res.body)}`);
    });

    // (a)
    const before = await t.kube.get(settingsRef);
    const conflict = await t.step('when: bob applies a different color', () => bob.apply(configMap(ns, 'settings', { color: 'green' })), { shows: managedFields(ns) });
    const afterConflict = await t.kube.get(settingsRef);
    t.check(CHECKS.conflict, {
      expected: { status: 409, conflicts: [{ field: '.data.color', manager: 'alice' }], color: 'blue', resourceVersionChanged: false },
      observed: { ...outcome(conflict), color: data(afterConflict).color, resourceVersionChanged: afterConflict.metadata.resourceVersion !== before.metadata.resourceVersion },
      reason: 'Apply by a manager that does not own a field, with another value, must be refused and change nothing',
    });

    // (b)
    const ownersBefore = ownersOf(afterConflict, '.data.color');
    const forced = await t.step('when: bob force-applies the color', () => bob.apply(configMap(ns, 'settings', { color: 'green' }), { force: true }), { shows: managedFields(ns) });
    const afterForce = await t.kube.get(settingsRef);
    t.check(CHECKS.force, {
      expected: { status: 200, color: 'green', ownersBefore: ['alice (Apply)'], ownersAfter: ['bob (Apply)'] },
      observed: { status: forced.status, color: data(afterForce).color, ownersBefore, ownersAfter: ownersOf(afterForce, '.data.color') },
      reason: 'force=true moves the field from every other manager to the forcing one',
    });

    // (c)
    const shared = await t.step('when: bob applies the same size as alice', () => bob.apply(configMap(ns, 'settings', { color: 'green', size: 'small' })), { shows: managedFields(ns) });
    const afterShare = await t.kube.get(settingsRef);
    t.check(CHECKS.shared, {
      expected: { status: 200, conflicts: [], owners: ['alice (Apply)', 'bob (Apply)'] },
      observed: { ...outcome(shared), owners: ownersOf(afterShare, '.data.size') },
      reason: 'applying an equal value is not a conflict; both managers then own the field',
    });

    // (d)
    await t.step('when: alice stops applying flavor (hers alone) and size (shared with bob)', async () => {
      const res = await alice.apply(configMap(ns, 'settings', {}));
      if (res.status !== 200) throw new Error(`alice's apply got HTTP ${res.status}: ${JSON.stringify(res.body)}`);
    }, { shows: managedFields(ns) });
    const afterOmit = await t.kube.get(settingsRef);
    t.check(CHECKS.omission, {
      expected: { flavor: null, size: 'small', sizeOwners: ['bob (Apply)'] },
      observed: { flavor: data(afterOmit).flavor ?? null, size: data(afterOmit).size ?? null, sizeOwners: ownersOf(afterOmit, '.data.size') },
      reason: 'SSA prunes fields a manager applied before and no longer applies, unless another manager still owns them',
    });

    // (e)
    const webRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'web' };
    const scaler = t.kube.as(scenarioUser('scaler'), [SCENARIO_GROUP]);
    const reapplied = await t.step('when: a controller scales alice\'s Deployment through /scale, then alice re-applies her replicas', async () => {
      const created = await alice.apply(deployment(ns, 'web', { replicas: 2, image: `${DEMO_IMAGE}:1` }));
      if (created.status !== 201 && created.status !== 200) throw new Error(`creating web got HTTP ${created.status}: ${JSON.stringify(created.body)}`);
      const scaled = await scaler.mergePatch(webRef, { spec: { replicas: 4 } }, { fieldManager: 'hpa-sim', subresource: 'scale' });
      if (scaled.status !== 200) throw new Error(`scaling web got HTTP ${scaled.status}: ${JSON.stringify(scaled.body)}`);
      return alice.apply(deployment(ns, 'web', { replicas: 2, image: `${DEMO_IMAGE}:1` }));
    });
    const reappliedStatus = isStatus(reapplied.body) ? fieldConflicts(reapplied.body as KubeStatus) : [];
    t.check(CHECKS.scale, {
      expected: { status: 409, conflicts: [{ field: '.spec.replicas', manager: 'hpa-sim', subresource: 'scale' }], replicas: 4 },
      observed: {
        status: reapplied.status,
        conflicts: reappliedStatus.map((c) => ({ field: c.field, manager: c.manager, subresource: c.subresource ?? null })),
        replicas: replicas(await t.kube.get(webRef)),
      },
      reason: 'an Update through the scale subresource takes .spec.replicas; SSA must not silently undo it',
    });

    await checkClientSideApply(t, alice, scaler);
    await checkDryRun(t, alice, bob, settingsRef);
    await checkNodeLabel(t, alice);
    await checkConcurrency(t);
    await checkKubectl(t);
  },
});

/** (f): the same controller-vs-applier story with kubectl's client-side apply, beside SSA. */
async function checkClientSideApply(t: Context, alice: ReturnType<typeof applier>, scaler: KubeClient) {
  const kubectl = await kubectlVersion();
  const name = CHECKS.clientSide;
  if (!kubectl) return t.skip(name, 'kubectl is not on PATH; client-side apply is kubectl\'s own three-way merge');
  const ns = t.namespace;
  const story = async (deploymentName: string, applyFile: (object: KubeObject) => Promise<{ ok: boolean; detail: string }>) => {
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: deploymentName };
    await applyFile(deployment(ns, deploymentName, { replicas: 3, image: `${DEMO_IMAGE}:1` }));
    await scaler.mergePatch(ref, { spec: { replicas: 5 } }, { fieldManager: 'hpa-sim', subresource: 'scale' });
    const second = await applyFile(deployment(ns, deploymentName, { replicas: 3, image: `${DEMO_IMAGE}:2` }));
    return { accepted: second.ok, replicasAfter: replicas(await t.kube.get(ref)), detail: second.detail };
  };
  const observed = await t.step('when: the file changes only the image after a controller scaled to 5, once with CSA and once with SSA', async () => ({
    csa: await story('csa-web', (o) => runKubectl(t, ['apply', '-f', '-'], o, 'alice')),
    ssa: await story('ssa-web', async (o) => {
      const res = await alice.apply(o);
      return { ok: res.status === 200 || res.status === 201, detail: `HTTP ${res.status}` };
    }),
  }));
  t.check(name, {
    expected: { csa: { accepted: true, replicasAfter: 3, lostControllerChange: true }, ssa: { accepted: false, replicasAfter: 5, lostControllerChange: false } },
    observed: {
      csa: { accepted: observed.csa.accepted, replicasAfter: observed.csa.replicasAfter, lostControllerChange: observed.csa.replicasAfter !== 5 },
      ssa: { accepted: observed.ssa.accepted, replicasAfter: observed.ssa.replicasAfter, lostControllerChange: observed.ssa.replicasAfter !== 5 },
    },
    reason: `kubectl ${kubectl} client-side apply (last-applied annotation, 3-way merge) sends an Update that cannot conflict; SSA refuses it`,
  });
}

/** (g): a server-side dry run reports the conflict and persists nothing. */
async function checkDryRun(
  t: Context,
  alice: ReturnType<typeof applier>,
  bob: ReturnType<typeof applier>,
  ref: { apiVersion: string; kind: string; namespace: string; name: string },
) {
  const ns = t.namespace;
  const { before, conflicting, clean } = await t.step('when: bob dry-runs a conflicting change and a clean one', async () => {
    await alice.apply(configMap(ns, 'settings', { owner: 'alice' }));
    return {
      before: await t.kube.get(ref),
      conflicting: await bob.apply(configMap(ns, 'settings', { color: 'green', size: 'small', owner: 'bob' }), { dryRun: true }),
      clean: await bob.apply(configMap(ns, 'settings', { color: 'green', size: 'small', extra: 'x' }), { dryRun: true }),
    };
  });
  const after = await t.kube.get(ref);
  t.check(CHECKS.dryRun, {
    expected: { conflicting: { status: 409, conflicts: [{ field: '.data.owner', manager: 'alice' }] }, cleanStatus: 200, persisted: false },
    observed: {
      conflicting: outcome(conflicting),
      cleanStatus: clean.status,
      persisted: after.metadata.resourceVersion !== before.metadata.resourceVersion || 'extra' in data(after) || data(after).owner !== 'alice',
    },
    reason: 'dryRun=All runs admission and conflict detection but stores nothing',
  });
}

/** (h): a user and the node agent, acting as a controller, contend for a node label. */
async function checkNodeLabel(t: Context, alice: ReturnType<typeof applier>) {
  const nodes = await t.kube.call<{ items: KubeObject[] }>('GET', '/api/v1/nodes');
  const node = nodes.items[0];
  if (!node) throw new Error('the cluster has no nodes');
  const label = 'kubernetes.io/hostname';
  const path = `.metadata.labels.${label}`;
  const owner = (node.metadata.managedFields ?? []).find((e) => managedFieldPaths(e).includes(path));
  if (!owner) throw new Error(`no manager owns ${path} on node ${node.metadata.name}`);
  const original = node.metadata.labels?.[label] ?? '';
  const binding = `${t.namespace}-node-labeler`;
  await t.step(`given: alice may patch nodes; the node agent (${owner.manager}) owns ${label} on ${node.metadata.name}`, async () => {
    await t.kube.call('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: binding }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch'] }] },
    });
    t.defer(() => t.kube.delete({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: binding }));
    await t.kube.call('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: binding },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: binding },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: scenarioUser('alice') }],
      },
    });
    t.defer(() => t.kube.delete({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: binding }));
    await waitUntilAllowed(t, scenarioUser('alice'), { verb: 'patch', resource: 'nodes' });
    // Should a sabotaged applier change the label, put the node agent's value back.
    t.defer(async () => {
      await t.kube.mergePatch({ apiVersion: 'v1', kind: 'Node', name: node.metadata.name }, { metadata: { labels: { [label]: original } } }, { fieldManager: owner.manager });
    });
  });
  const res = await t.step(`when: alice applies a different ${label}`, () =>
    alice.apply({ apiVersion: 'v1', kind: 'Node', metadata: { name: node.metadata.name, labels: { [label]: `${original}-alice` } } }),
  );
  const after = await t.kube.get({ apiVersion: 'v1', kind: 'Node', name: node.metadata.name });
  t.check(CHECKS.nodeLabel, {
    expected: { status: 409, conflicts: [{ field: path, manager: owner.manager }], label: original },
    observed: { ...outcome(res), label: after.metadata.labels?.[label] ?? null },
    reason: 'labels the node agent wrote through Update belong to it; an applier must not take them silently',
  });
  // The apply may have left alice owning nothing; a successful sabotaged apply is undone by the deferred patch.
  await alice.kube.apply({ apiVersion: 'v1', kind: 'Node', metadata: { name: node.metadata.name } }, { fieldManager: 'alice' });
}

/** (i): K managers × M applies in parallel on one object, plus Update writers that retry on resourceVersion conflicts. */
async function checkConcurrency(t: Context) {
  const ns = t.namespace;
  const { managers, applies } = t.tunables;
  const updaters = 2;
  const increments = 10;
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'busy' };
  const unexpected: string[] = [];
  let fieldConflictCount = 0;
  let retries = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await t.step(`when: ${managers} managers × ${applies} applies and ${updaters} Update writers hit one ConfigMap at once`, async () => {
    await t.kube.apply(configMap(ns, 'busy', {}), { fieldManager: 'setup' });
    const runManager = async (i: number) => {
      const writer = applier(t, `applier-${i}`);
      for (let j = 0; j < applies; j++) {
        const t0 = performance.now();
        const res = await writer.apply(configMap(ns, 'busy', { [`key-${i}`]: String(j), shared: 'same' }));
        latencies.push(performance.now() - t0);
        const conflicts = res.status === 409 && isStatus(res.body) ? fieldConflicts(res.body as KubeStatus) : [];
        if (conflicts.length) fieldConflictCount++;
        else if (res.status !== 200) unexpected.push(`applier-${i} #${j}: HTTP ${res.status}`);
      }
    };
    const runUpdater = async (u: number) => {
      for (let n = 0; n < increments; n++) {
        for (;;) {
          const current = await t.kube.get(ref);
          const key = `testbed/counter-${u}`;
          const value = Number(current.metadata.annotations?.[key] ?? 0) + 1;
          const res = await t.kube.update({ ...current, metadata: { ...current.metadata, annotations: { ...current.metadata.annotations, [key]: String(value) } } }, { fieldManager: `updater-${u}` });
          if (res.status === 200) break;
          if (res.status === 409 && isStatus(res.body) && !fieldConflicts(res.body as KubeStatus).length) {
            retries++;
            continue;
          }
          unexpected.push(`updater-${u}: HTTP ${res.status}`);
          break;
        }
      }
    };
    await Promise.all([...Array.from({ length: managers }, (_, i) => runManager(i)), ...Array.from({ length: updaters }, (_, u) => runUpdater(u))]);
  });
  const seconds = (performance.now() - started) / 1000;
  const final = await t.kube.get(ref);
  const lost: string[] = [];
  for (let i = 0; i < managers; i++) {
    const value = data(final)[`key-${i}`];
    const owned = ownersOf(final, `.data.key-${i}`);
    if (value !== String(applies - 1) || owned.join() !== `applier-${i} (Apply)`) lost.push(`key-${i}=${value} owned by ${owned.join(', ') || 'nobody'}`);
  }
  for (let u = 0; u < updaters; u++) {
    const value = final.metadata.annotations?.[`testbed/counter-${u}`];
    if (value !== String(increments)) lost.push(`counter-${u}=${value}, expected ${increments}`);
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const rate = latencies.length / seconds;
  t.metric('applies per second', rate);
  const [p50, p99] = [percentile(sorted, 0.5), percentile(sorted, 0.99)];
  t.metric('apply p50 ms', p50);
  t.metric('apply p99 ms', p99);
  t.metric('resourceVersion retries', retries);
  t.note(`${latencies.length} applies in ${seconds.toFixed(1)} s: ${rate.toFixed(0)} applies/s, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; ${retries} resourceVersion retries`);
  t.check(CHECKS.concurrency, {
    expected: { unexpectedResponses: [], lostUpdates: [], sharedOwners: managers },
    observed: { unexpectedResponses: unexpected.slice(0, 10), lostUpdates: lost.slice(0, 10), sharedOwners: ownersOf(final, '.data.shared').length },
    reason: `${managers}×${applies} applies of distinct fields plus a shared equal value, and ${updaters} Update writers retrying on stale resourceVersions (${fieldConflictCount} field conflicts, ${retries} retries)`,
  });
}

/** (j): kubectl's own server-side apply reports the conflict of (a). */
async function checkKubectl(t: Context) {
  const name = CHECKS.kubectl;
  const version = await kubectlVersion();
  if (!version) return t.skip(name, 'kubectl is not on PATH');
  const ns = t.namespace;
  const result = await t.step('when: kubectl applies a conflicting color as bob', async () => {
    await runKubectl(t, ['apply', '--server-side', '--field-manager=alice', '-f', '-'], configMap(ns, 'kubectl-settings', { color: 'blue' }), 'alice');
    // A pipeline told to force past every conflict passes kubectl the flag that does it.
    const force = t.tunables.sabotage === 'always-force' ? ['--force-conflicts'] : [];
    return runKubectl(t, ['apply', '--server-side', ...force, '--field-manager=bob', '-f', '-'], configMap(ns, 'kubectl-settings', { color: 'green' }), 'bob');
  });
  t.check(name, {
    expected: { exitCode: 'non-zero', namesField: true, namesOwner: true },
    observed: { exitCode: result.ok ? 0 : 'non-zero', namesField: result.detail.includes('.data.color'), namesOwner: result.detail.includes('conflict with "alice"') },
    reason: `kubectl ${version} must refuse the apply and say which field and which manager`,
  });
}

async function kubectlVersion(): Promise<string | undefined> {
  const res = await execa(await toolCommand('kubectl'), ['version', '--client', '-o', 'json'], { reject: false });
  if (res.exitCode !== 0) return undefined;
  return (JSON.parse(res.stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion ?? 'unknown';
}

/** Runs kubectl as a scenario user (impersonation), with the manifest on stdin. */
async function runKubectl(t: Context, args: string[], manifest: KubeObject, user: string): Promise<{ ok: boolean; detail: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'testbed-kubectl-'));
  try {
    const file = join(dir, 'manifest.yaml');
    await writeFile(file, stringify(manifest));
    const res = await execa(await toolCommand('kubectl'), [...args.map((a) => (a === '-' ? file : a)), `--as=${scenarioUser(user)}`, `--as-group=${SCENARIO_GROUP}`], {
      env: { KUBECONFIG: t.kubeconfig },
      reject: false,
      all: true,
    });
    return { ok: res.exitCode === 0, detail: String(res.all ?? '') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
