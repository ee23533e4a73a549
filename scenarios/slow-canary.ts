import { canaryHolds } from './canary/canary-faults.ts';
import { checksOf } from '../harness/check-proofs.ts';
import { defineScenario } from '../harness/scenario.ts';
import { sabotageTunable } from '../harness/tunables.ts';
import { TUTORIAL_GATE } from './canary/canary-app.ts';
import { EXPECTED_AFTER_ROLLBACK, afterRollback, givenCanary, untilAnalysisEnds, whenNewVersion } from './canary/canary-run.ts';
import { canaryFileTunable } from './canary/canary-file.ts';
import { analysisTunables, pacingFrom } from './canary/canary-tunables.ts';
import { FLAGGER } from './canary/flagger-events.ts';

const tunables = {
  ...analysisTunables,
  latencyMs: { type: 'number', default: 800, min: 0, max: 5000, description: "latency the new version adds to every request, ms (the gate's p99 limit is 500)" },
  sabotage: sabotageTunable(
    'break the gate on purpose: leave out the request-duration check, so nothing stops the slow version',
    'no-duration-check',
  ),
  canary: canaryFileTunable,
} as const;

const CHECKS = {
  onLatency: '(a) the failed checks were on latency, not success rate',
  rolledBack: '(b) rolled back: routes 100/0 to the primary, canary scaled to 0, phase Failed',
  primaryUnchanged: '(c) the primary Deployment never changed',
} as const;

export const slowCanary = defineScenario({
  name: 'slow-canary',
  summary: "Flagger rolls back a latency regression through its request-duration check",
  needs: { components: ['vegeta'], addons: ['flagger'] },
  tunables,
  holds: () => canaryHolds(),
  checks: checksOf(CHECKS),
  sabotages: {
    'no-duration-check': {
      kind: 'misconfiguration',
      seenIn: 'https://docs.flagger.app/usage/metrics#builtin-metrics (request-duration, left out of the analysis)',
      fails: Object.values(CHECKS),
    },
  },
  async run(t) {
    const { rps, latencyMs, sabotage } = t.tunables;
    const { interval, threshold, stepWeight, maxWeight } = pacingFrom(t.tunables);
    const gate = sabotage === 'no-duration-check' ? { minSuccessRate: TUTORIAL_GATE.minSuccessRate } : (t.tunables.canary ?? TUTORIAL_GATE);
    const run = await givenCanary(t, { analysis: { interval, threshold, stepWeight, maxWeight, gate }, stable: { version: 'v1' }, config: {}, rps });
    await whenNewVersion(t, { version: 'v2', latencyMs });
    const phase = await t.step('let Flagger analyse the canary', () => untilAnalysisEnds(t, run, ((threshold + 4) * interval + 30) * 1000));
    await run.load!.stop();
    const halts = run.events.all(FLAGGER.failedCheck).map((e) => e.message);
    t.check(CHECKS.onLatency, {
      expected: 'failed checks, none of them "success rate …"',
      observed: halts.length ? halts : 'no failed check',
      pass: halts.length > 0 && !halts.some((m) => FLAGGER.haltSuccessRate.test(m)),
      reason: "the new version answers every request correctly, only slowly: the gate's latency bound stops it",
    });
    t.check(CHECKS.rolledBack, {
      expected: EXPECTED_AFTER_ROLLBACK,
      observed: { ...(await afterRollback(t, run)), phase },
      reason: 'threshold failed checks end in a rollback',
    });
    t.check(CHECKS.primaryUnchanged, {
      expected: 1,
      observed: run.observer.primaryTemplates.length,
      reason: 'a rolled-back version is never promoted',
    });
  },
});
