import { expect } from 'chai';
import { planAttempts } from '../../../harness/attempt-plan.ts';
import { combinations, parseMatrix } from '../../../harness/matrix.ts';
import { defineScenario, type Scenario } from '../../../harness/scenario.ts';
import { sabotageTunable } from '../../../harness/tunables.ts';

const gate = defineScenario({
  name: 'gate',
  summary: 'x',
  needs: { components: [], addons: ['flagger'] },
  tunables: {
    errorRate: { type: 'number', default: 0.5, min: 0.05, max: 1, description: 'e' },
    fault: { type: 'enum', default: 'none', values: ['none', 'stop-prometheus'], description: 'f' },
    sabotage: sabotageTunable('s', 'no-metrics'),
  },
  holds: ({ fault }) => ({ prometheus: fault === 'stop-prometheus' ? 'exclusive' : 'shared' }),
  async run() {},
}) as unknown as Scenario;
const other = defineScenario({ name: 'other', summary: 'y', needs: { components: [], addons: [] }, tunables: {}, async run() {} }) as unknown as Scenario;

const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
};

describe('--matrix', () => {
  it('takes every combination of its keys, the first key varying slowest', () => {
    const matrix = parseMatrix(['errorRate=0.1,0.5', 'sabotage=none,no-metrics']);
    expect(combinations(matrix)).to.deep.equal([
      { errorRate: '0.1', sabotage: 'none' },
      { errorRate: '0.1', sabotage: 'no-metrics' },
      { errorRate: '0.5', sabotage: 'none' },
      { errorRate: '0.5', sabotage: 'no-metrics' },
    ]);
  });

  it('plans one attempt per combination and repeat, each holding what its own tunables say', () => {
    const attempts = planAttempts({ scenarios: [gate], settings: {}, matrix: parseMatrix(['fault=none,stop-prometheus']), repeat: 2 });
    expect(attempts.map((a) => a.label)).to.deep.equal(['gate [fault=none] #1', 'gate [fault=none] #2', 'gate [fault=stop-prometheus] #1', 'gate [fault=stop-prometheus] #2']);
    expect(attempts[0]!.holds).to.deep.equal({ 'kube-apiserver': 'shared', flagger: 'shared', prometheus: 'shared' });
    expect(attempts[2]!.holds).to.deep.equal({ 'kube-apiserver': 'shared', flagger: 'shared', prometheus: 'exclusive' });
    expect(attempts[2]!.settings).to.deep.equal({ fault: 'stop-prometheus' });
  });

  it('refuses, before any cluster work, what cannot run: each with a message naming it', () => {
    const plan = (values: string[], settings: Record<string, string> = {}, scenarios = [gate]) => errorOf(() => planAttempts({ scenarios, settings, matrix: parseMatrix(values), repeat: 1 }));
    expect(plan(['errorRate=0.01,0.5'])).to.equal('scenario gate: --matrix errorRate=0.01: must be between 0.05 and 1');
    expect(plan(['sabotage=none,always'])).to.equal('scenario gate: --matrix sabotage=always: expected one of none, no-metrics');
    expect(plan(['threshold=1,2'])).to.equal('--matrix threshold: scenario gate has no tunable "threshold"; it has: errorRate, fault, sabotage');
    expect(plan(['errorRate=0.1'], {}, [gate, other])).to.equal('--matrix errorRate: scenario other has no tunable "errorRate"; it has: none');
    expect(plan(['errorRate=0.1,0.2'], { errorRate: '0.3' })).to.equal('--set errorRate and --matrix errorRate both give errorRate; keep one');
    expect(plan(['errorRate'])).to.equal('--matrix expects KEY=V1,V2,…, got "errorRate"');
    expect(plan(['errorRate=0.1,,0.2'])).to.equal('--matrix errorRate=0.1,,0.2: an empty value; expected KEY=V1,V2,…');
    expect(plan(['errorRate=0.1,0.1'])).to.equal('--matrix errorRate lists 0.1 twice; use --repeat to run a combination more than once');
    expect(plan(['errorRate=0.1', 'errorRate=0.2'])).to.equal('--matrix errorRate is given twice; list every value in one --matrix errorRate=V1,V2,…');
  });
});
