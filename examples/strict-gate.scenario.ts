// A user's question: does our stricter gate (99.5 % success, p99 300 ms) roll back a version that
// fails 5 % of its requests, which the tutorial's 99 % gate would catch only by luck?
import { EXPECTED_AFTER_ROLLBACK, afterRollback, defineScenario, givenCanary, sabotageTunable, untilAnalysisEnds, whenNewVersion } from 'delivery-testbed';

const GATE = { minSuccessRate: 99.5, maxP99Ms: 300 };

const ROLLED_BACK = '(a) our gate rolled the bad version back';

export default defineScenario({
  name: 'strict-gate-rolls-back',
  summary: 'Our 99.5 % gate rolls back a version that fails 5 % of its requests',
  needs: { components: ['vegeta'], addons: ['flagger'] },
  // Its gate reads Prometheus: no attempt that stops it may run meanwhile.
  holds: () => ({ prometheus: 'shared' }),
  tunables: {
    errorRate: { type: 'number', default: 0.05, min: 0, max: 1, description: "fraction of the new version's requests that answer 500" },
    sabotage: sabotageTunable('a gate that can never fail (success rate ≥ 0 %): the bad version goes through', 'gate-never-fails'),
  },
  checks: { [ROLLED_BACK]: {} },
  sabotages: {
    'gate-never-fails': { kind: 'misconfiguration', seenIn: 'https://docs.flagger.app/usage/metrics#builtin-metrics (a thresholdRange no version can leave)', fails: [ROLLED_BACK] },
  },
  async run(t) {
    const gate = t.tunables.sabotage === 'gate-never-fails' ? { minSuccessRate: 0 } : GATE;
    const run = await givenCanary(t, {
      analysis: { interval: 10, threshold: 2, stepWeight: 20, maxWeight: 60, gate },
      stable: { version: 'v1' },
      config: {},
      rps: 20,
    });
    await whenNewVersion(t, { version: 'v2', errorRate: t.tunables.errorRate });
    // A rollback takes threshold + 4 ticks; a promotion (the sabotage) 3 steps + 4 more.
    const phase = await t.step('let Flagger judge the canary with our gate', () => untilAnalysisEnds(t, run, 150_000));
    await run.load?.stop();
    t.check(ROLLED_BACK, {
      expected: EXPECTED_AFTER_ROLLBACK,
      observed: await afterRollback(t, run),
      reason: `a ${t.tunables.errorRate * 100} % error rate is below our ${GATE.minSuccessRate} % success-rate gate (Flagger ended in ${phase})`,
    });
  },
});
