import type { KubeObject } from '../clusters/kube/index.ts';
import { checksOf } from '../harness/check-proofs.ts';
import { defineScenario } from '../harness/scenario.ts';
import { sabotageTunable } from '../harness/tunables.ts';
import { APP, TUTORIAL_GATE } from './canary/canary-app.ts';
import { checkEventOrder, givenCanary, untilAnalysisEnds, whenNewVersion } from './canary/canary-run.ts';
import { canaryFileTunable } from './canary/canary-file.ts';
import { analysisTunables, pacingFrom } from './canary/canary-tunables.ts';
import { canaryFaultTunable, whenFault, canaryHolds } from './canary/canary-faults.ts';
import { FLAGGER } from './canary/flagger-events.ts';

interface Container { env?: Array<{ name: string; value?: string }> }

const tunables = {
  ...analysisTunables,
  sabotage: sabotageTunable(
    'break the gate on purpose: a minimum success rate of 101%, which no version can meet',
    'impossible-gate',
  ),
  fault: canaryFaultTunable,
  canary: canaryFileTunable,
} as const;

const CHECKS = {
  weightSteps: '(a) the weight advanced by stepWeight up to maxWeight',
  promoted: "(b) promotion copied the new version's spec to the primary",
  succeeded: '(c) the phase is Succeeded',
  noFailures: '(d) zero failed requests',
  eventOrder: "(e) Flagger's events came in the expected order",
} as const;

export const goodCanary = defineScenario({
  name: 'good-canary',
  summary: 'Flagger promotes a healthy new version step by step under load, with no failed requests',
  needs: { components: ['vegeta'], addons: ['flagger'] },
  tunables,
  holds: (t) => canaryHolds(t.fault),
  checks: checksOf(CHECKS),
  sabotages: {
    'impossible-gate': {
      kind: 'misconfiguration',
      seenIn: 'https://docs.flagger.app/usage/metrics#builtin-metrics (request-success-rate thresholdRange.min, here above 100)',
      fails: [CHECKS.weightSteps, CHECKS.promoted, CHECKS.succeeded, CHECKS.eventOrder],
    },
  },
  async run(t) {
    const { rps, sabotage } = t.tunables;
    const { interval, threshold, stepWeight, maxWeight } = pacingFrom(t.tunables);
    const gate = sabotage === 'impossible-gate' ? { ...TUTORIAL_GATE, minSuccessRate: 101 } : (t.tunables.canary ?? TUTORIAL_GATE);
    const run = await givenCanary(t, { analysis: { interval, threshold, stepWeight, maxWeight, gate }, stable: { version: 'v1' }, config: {}, rps });
    await whenNewVersion(t, { version: 'v2' });
    const fault = await whenFault(t, run, t.tunables.fault, { interval, mayMove: [CHECKS.noFailures] });
    const steps = Math.ceil(maxWeight / stepWeight);
    // New revision, start, the steps, promote, route to primary, finalise: each a tick apart.
    const phase = await t.step('let Flagger analyse and promote the canary', () => untilAnalysisEnds(t, run, ((steps + 6) * interval + 30) * 1000));
    const summary = await run.load!.stop();

    const weights = run.events.advancedWeights();
    const expectedWeights = Array.from({ length: steps }, (_, i) => Math.min(100, stepWeight * (i + 1)));
    t.check(CHECKS.weightSteps, {
      expected: expectedWeights,
      observed: weights,
      reason: 'every healthy tick adds stepWeight until the weight reaches maxWeight',
    });
    const primary = await t.kube.get<KubeObject & { spec: { template: { spec: { containers: Container[] } } } }>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: t.namespace, name: `${APP}-primary` });
    const version = primary.spec.template.spec.containers[0]?.env?.find((e) => e.name === 'VERSION')?.value;
    t.check(CHECKS.promoted, {
      expected: 'v2',
      observed: version,
      reason: "Flagger's Promote copies the target's pod spec to <name>-primary",
    });
    t.check(CHECKS.succeeded, { expected: 'Succeeded', observed: phase, reason: 'a promotion ends in Succeeded' });
    t.metric('requests', summary.requests);
    // A killed pod's transport errors are the fault's, not the mechanism's.
    const failures = summary.failures - fault.failures;
    t.check(CHECKS.noFailures, {
      expected: { failures: 0 },
      observed: { failures, ...(summary.failures ? { byStatus: summary.failuresByStatus } : {}), ...(fault.failures ? { [`during fault ${fault.fault}, attributed to it`]: fault.failures } : {}) },
      pass: summary.requests > 0 && failures === 0,
      reason: 'a healthy version, shifted step by step between ready pods, should cost users nothing',
    });
    checkEventOrder(t, CHECKS.eventOrder, run, [
      ['new revision', FLAGGER.newRevision],
      ['analysis started', FLAGGER.start],
      ['weight advanced', FLAGGER.advance],
      ['spec copied to primary', FLAGGER.copying],
      ['all traffic to primary', FLAGGER.routingToPrimary],
      ['promotion completed', FLAGGER.promoted],
    ], 'the order of a promotion, as scheduler.go emits it');
  },
});
