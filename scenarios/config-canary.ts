import type { KubeObject } from '../clusters/kube/index.ts';
import { canaryHolds } from './canary/canary-faults.ts';
import { checksOf } from '../harness/check-proofs.ts';
import { defineScenario } from '../harness/scenario.ts';
import { sabotageTunable } from '../harness/tunables.ts';
import { CONFIG, TUTORIAL_GATE, configMap } from './canary/canary-app.ts';
import { EXPECTED_AFTER_ROLLBACK, afterRollback, canaryWatch, givenCanary, untilAnalysisEnds } from './canary/canary-run.ts';
import { apply, viaGateway } from './scenario-apply.ts';
import { analysisTunables } from './canary/canary-tunables.ts';
import { FLAGGER } from './canary/flagger-events.ts';

const tunables = {
  ...analysisTunables,
  errorRate: { type: 'number', default: 0.5, min: 0.05, max: 1, description: 'error rate the bad ConfigMap turns on' },
  sabotage: sabotageTunable(
    "break the set-up on purpose: exclude the ConfigMap from Flagger's config tracking, so its change reaches the primary unanalysed",
    'untracked',
  ),
} as const;

const GOOD = { message: 'hello from the good config' };

const CHECKS = {
  configTracked: "(a) Flagger's config tracking saw the ConfigMap change as a new revision",
  rolledBack: '(b) the canary was analysed and rolled back',
  primaryOldConfig: '(c) the primary keeps serving the old config, from its -primary copy',
} as const;

export const configCanary = defineScenario({
  name: 'config-canary',
  summary: "A bad ConfigMap change is caught by Flagger's config tracking, analysed and rolled back; the primary keeps the old config",
  needs: { components: ['vegeta'], addons: ['flagger'] },
  tunables,
  holds: () => canaryHolds(),
  checks: checksOf(CHECKS),
  sabotages: {
    untracked: {
      kind: 'misconfiguration',
      seenIn: 'https://docs.flagger.app/usage/how-it-works#canary-target (flagger.app/config-tracking: disabled on the ConfigMap)',
      fails: Object.values(CHECKS),
    },
  },
  async run(t) {
    const { interval, threshold, stepWeight, maxWeight, rps, errorRate, sabotage } = t.tunables;
    const tracked = sabotage !== 'untracked';
    const run = await givenCanary(t, { analysis: { interval, threshold, stepWeight, maxWeight, gate: TUTORIAL_GATE }, stable: { version: 'v1' }, config: GOOD, configTracked: tracked, rps });
    const checksum = () => run.observer.latest?.status.trackedConfigs?.[`configmap/${CONFIG}`];
    const before = checksum();
    const bad = { ...GOOD, message: 'the bad config', errorRate };
    await t.step(`when: ConfigMap ${CONFIG} changes to one with errorRate ${errorRate}`, () => apply(t, configMap(t.namespace, bad, tracked)), { shows: canaryWatch(t.namespace) });
    const phase = await t.step('let Flagger analyse the config change', () => untilAnalysisEnds(t, run, ((threshold + 4) * interval + 30) * 1000));
    await run.load!.stop();

    t.check(CHECKS.configTracked, {
      expected: { newRevision: true, checksumChanged: true },
      observed: { newRevision: Boolean(run.events.first(FLAGGER.newRevision)), checksumChanged: before !== undefined && checksum() !== before },
      reason: 'a tracked ConfigMap whose data changes gets a new checksum in status.trackedConfigs, which starts an analysis',
    });
    t.check(CHECKS.rolledBack, {
      expected: EXPECTED_AFTER_ROLLBACK,
      observed: { ...(await afterRollback(t, run)), phase },
      reason: 'the canary pods read the bad config and fail the success-rate check',
    });
    const copyRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace: t.namespace, name: `${CONFIG}-primary` };
    const primaryCopy = await t.kube.request<KubeObject & { data?: Record<string, string> }>('GET', await t.kube.path(copyRef));
    const served = await Promise.all(Array.from({ length: 10 }, () => viaGateway(t.cluster.gatewayUrl, run.host, '/config')));
    t.check(CHECKS.primaryOldConfig, {
      expected: { copy: GOOD, served: [GOOD] },
      observed: {
        copy: primaryCopy.status === 200 ? JSON.parse(primaryCopy.body.data?.['config.json'] ?? 'null') : `no ${copyRef.name} (HTTP ${primaryCopy.status})`,
        served: [...new Set(served.map((r) => r.body))].map((b) => JSON.parse(b) as unknown),
      },
      reason: 'Flagger points the primary at <name>-primary copies of tracked configs and only refreshes them on promotion',
    });
  },
});
