import { canaryHolds } from './canary/canary-faults.ts';
import { checksOf } from '../harness/check-proofs.ts';
import { defineScenario } from '../harness/scenario.ts';
import { sabotageTunable } from '../harness/tunables.ts';
import { TUTORIAL_GATE } from './canary/canary-app.ts';
import { EnvironmentProblem, givenCanary, metricsProblem, whenNewVersion } from './canary/canary-run.ts';
import { analysisTunables } from './canary/canary-tunables.ts';
import { FLAGGER } from './canary/flagger-events.ts';

const { rps: _rps, ...analysis } = analysisTunables;
const tunables = {
  ...analysis,
  sabotage: sabotageTunable(
    'break the set-up on purpose: send the canary 50 requests/s, so Flagger has values',
    'traffic',
  ),
} as const;

const CHECKS = {
  halted: '(a) Flagger halted with "no values found"',
  environmentProblem: '(b) the harness calls a no-data halt an environment problem, never a pass',
} as const;

export const noTraffic = defineScenario({
  name: 'no-traffic',
  summary: 'A canary with no load halts with "no values found", which the harness calls an environment problem, never a pass',
  needs: { components: ['vegeta'], addons: ['flagger'] },
  tunables,
  holds: () => canaryHolds(),
  checks: checksOf(CHECKS),
  sabotages: {
    traffic: { kind: 'harness', fails: Object.values(CHECKS) },
  },
  async run(t) {
    const { interval, threshold, stepWeight, maxWeight, sabotage } = t.tunables;
    const rps = sabotage === 'traffic' ? 50 : 0;
    const run = await givenCanary(t, { analysis: { interval, threshold, stepWeight, maxWeight, gate: TUTORIAL_GATE }, stable: { version: 'v1' }, config: {}, rps });
    await whenNewVersion(t, { version: 'v2' });
    const halt = await t.step('let Flagger analyse a canary nobody calls', () =>
      t.waitFor('Flagger to halt for lack of metric values', async () => run.events.first(FLAGGER.noValues), (threshold + 5) * interval * 1000).catch(() => undefined),
    );
    t.check(CHECKS.halted, {
      expected: 'a "Halt advancement no values found … probably … is not receiving traffic" event',
      observed: halt?.message ?? `no such event; events: ${run.events.events.map((e) => e.message).join(' | ') || 'none'}`,
      pass: halt !== undefined,
      reason: 'with no requests the Istio metrics for the canary are empty, and Flagger says so',
    });
    const problem = metricsProblem(run.events.events, true);
    t.check(CHECKS.environmentProblem, {
      expected: 'an environment problem naming the halt',
      observed: problem?.message ?? 'no problem found: the halt would have been judged by the checks',
      pass: problem instanceof EnvironmentProblem && halt !== undefined && problem.message.includes(halt.message),
      reason: 'the rule every canary scenario applies under load (untilAnalysisEnds): a gate that saw no data judged nothing',
    });
  },
});
