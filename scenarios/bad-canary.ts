import { checksOf } from '../harness/check-proofs.ts';
import { defineScenario } from '../harness/scenario.ts';
import { sabotageTunable } from '../harness/tunables.ts';
import { TUTORIAL_GATE } from './canary/canary-app.ts';
import { canaryFileTunable } from './canary/canary-file.ts';
import { analysisTunables, pacingFrom } from './canary/canary-tunables.ts';
import { EXPECTED_AFTER_ROLLBACK, SLACK_SECONDS, afterRollback, checkEventOrder, givenCanary, untilAnalysisEnds, whenNewVersion } from './canary/canary-run.ts';
import { badCanaryFaultTunable, whenFault, canaryHolds } from './canary/canary-faults.ts';
import { FLAGGER } from './canary/flagger-events.ts';

const tunables = {
  ...analysisTunables,
  errorRate: { type: 'number', default: 0.5, min: 0.001, max: 1, description: "fraction of the new version's requests that answer 500 (below the gate's 1% the gate may rightly promote it: a sensitivity sweep shows where)" },
  sabotage: sabotageTunable(
    'break the gate on purpose: a Canary with no metrics (promotes anything), or a threshold of 1000 failed checks',
    'no-metrics', 'huge-threshold',
  ),
  fault: badCanaryFaultTunable,
  canary: canaryFileTunable,
} as const;

const CHECKS = {
  rolledBack: '(a) rolled back within (threshold + 1) intervals of the first failed check',
  weightBound: '(b) canary weight never exceeded stepWeight × the ticks before rollback',
  afterRollback: '(c) after rollback: routes 100/0 to the primary, canary scaled to 0, phase Failed',
  primaryUnchanged: '(d) the primary Deployment never changed (the bad version was not promoted)',
  errorBudget: '(e) user-visible error rate stayed within the budget from weight × canary error rate × time',
  eventOrder: "(f) Flagger's events came in the expected order",
} as const;

export const badCanary = defineScenario({
  name: 'bad-canary',
  summary: 'Flagger rolls back a new version that answers 5xx under load, quickly and with few users hurt',
  needs: { components: ['vegeta'], addons: ['flagger'] },
  tunables,
  holds: (t) => canaryHolds(t.fault),
  checks: checksOf(CHECKS),
  sabotages: {
    'no-metrics': {
      kind: 'misconfiguration',
      seenIn: 'https://docs.flagger.app/usage/metrics (a Canary analysis with no metrics judges nothing, and promotes)',
      fails: Object.values(CHECKS),
    },
    'huge-threshold': {
      kind: 'misconfiguration',
      seenIn: 'https://docs.flagger.app/usage/how-it-works#canary-analysis (threshold: the failed checks before a rollback)',
      fails: [CHECKS.rolledBack, CHECKS.weightBound, CHECKS.afterRollback, CHECKS.eventOrder],
    },
  },
  async run(t) {
    const { rps, errorRate, sabotage } = t.tunables;
    const pacing = pacingFrom(t.tunables);
    const { interval, stepWeight, maxWeight } = pacing;
    const threshold = sabotage === 'huge-threshold' ? 1000 : pacing.threshold;
    const run = await givenCanary(t, {
      analysis: { interval, threshold, stepWeight, maxWeight, gate: sabotage === 'no-metrics' ? {} : (t.tunables.canary ?? TUTORIAL_GATE) },
      stable: { version: 'v1' },
      config: {},
      rps,
    });
    await whenNewVersion(t, { version: 'v2', errorRate });
    const fault = await whenFault(t, run, t.tunables.fault, { interval, mayMove: [CHECKS.errorBudget] });
    // New revision, start, first step, `threshold` failed ticks, rollback: each a tick apart.
    const expectedTicks = pacing.threshold + 4;
    const phase = await t.step('let Flagger analyse the canary', () => untilAnalysisEnds(t, run, (expectedTicks * interval + 30) * 1000));
    const loadEnded = Date.now();
    const summary = await run.load!.stop();

    const firstFailure = run.events.first(FLAGGER.failedCheck);
    const rollback = run.events.first(FLAGGER.rollingBack);
    const started = run.events.first(FLAGGER.start);
    const bound = (pacing.threshold + 1) * interval + SLACK_SECONDS;
    const took = firstFailure && rollback ? (rollback.at - firstFailure.at) / 1000 : null;
    if (took !== null) t.metric('rollback latency s', took);
    t.check(CHECKS.rolledBack, {
      expected: `<= ${bound} s ((${pacing.threshold} + 1) × ${interval} s + ${SLACK_SECONDS} s slack)`,
      observed: took === null ? `first failed check ${firstFailure ? 'seen' : 'never seen'}, rollback ${rollback ? 'seen' : 'never seen'}; phase ${phase}` : `${took.toFixed(1)} s`,
      pass: took !== null && took <= bound,
      reason: "Flagger rolls back on the tick after the threshold's failed check; each tick is one interval",
    });
    const ticks = started && rollback ? Math.round((rollback.at - started.at) / (interval * 1000)) : null;
    // Flagger's own word on each weight covers what polls of the routes missed (the API server away).
    const maxWeightSeen = Math.max(run.observer.maxCanaryWeight(), ...run.events.advancedWeights());
    t.check(CHECKS.weightBound, {
      expected: ticks === null ? 'a rollback to count ticks to' : `<= ${stepWeight * ticks}% (${stepWeight}% × ${ticks} ticks)`,
      observed: `${maxWeightSeen}%`,
      pass: ticks !== null && maxWeightSeen <= stepWeight * ticks,
      reason: 'a failed check halts advancement, so only healthy ticks add stepWeight',
    });
    t.check(CHECKS.afterRollback, {
      expected: EXPECTED_AFTER_ROLLBACK,
      observed: await afterRollback(t, run),
      reason: 'rollback routes all traffic to the primary and scales the canary down',
    });
    t.check(CHECKS.primaryUnchanged, {
      expected: 1,
      observed: run.observer.primaryTemplates.length,
      pass: run.observer.primaryTemplates.length === 1,
      reason: 'promotion is the only thing that rewrites the primary; a different template means the bad version was promoted',
    });
    const share = run.observer.meanCanaryShare(run.loadStartedAt, loadEnded);
    const budget = share * errorRate;
    // A killed pod's transport errors and a partition's 503s are the fault's, not the mechanism's.
    const failures = summary.failures - fault.failures;
    const observedRate = summary.requests ? failures / summary.requests : 1;
    t.metric('user-visible error rate %', observedRate * 100);
    t.metric('predicted error budget %', budget * 100);
    t.check(CHECKS.errorBudget, {
      expected: `<= ${(budget * 150 + 0.2).toFixed(2)}% (${(share * 100).toFixed(2)}% mean canary weight × ${errorRate} error rate, +50% and +0.2 points for sampling)`,
      observed: `${(observedRate * 100).toFixed(2)}% (${failures} of ${summary.requests} requests${fault.failures ? `; ${fault.failures} more during fault ${fault.fault}, attributed to it` : ''})`,
      pass: summary.requests > 0 && observedRate <= budget * 1.5 + 0.002,
      reason: 'users are hurt only through the canary weight; more errors mean traffic reached the bad version beyond its weight',
    });
    checkEventOrder(t, CHECKS.eventOrder, run, [
      ['new revision', FLAGGER.newRevision],
      ['analysis started', FLAGGER.start],
      ['weight advanced', FLAGGER.advance],
      ['check failed', FLAGGER.failedCheck],
      ['rolling back', FLAGGER.rollingBack],
      ['canary failed', FLAGGER.failed],
    ], 'the order of a rollback, as scheduler.go emits it');
  },
});
