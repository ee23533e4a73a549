import { expect } from 'chai';
import { withCombination } from '../../../harness/matrix.ts';
import { LIVE_AXIS_STEP_MS, attemptKey, mostAtOnce, runAxis, runOverview, sectionAnchors } from '../../../reports/html/run-overview.ts';
import { scenarioAnchor, type AttemptReport, type RunReport } from '../../../reports/index.ts';
import { SIDE_BY_SIDE_T0 as T0, nightlyRun, sideBySideRun } from '../../helpers/saved-runs.ts';

/** A run still going: its report has no duration yet, and its attempts no end. */
function liveRun(): RunReport {
  const report = sideBySideRun();
  const [good, slow, late] = report.scenarios;
  // good-canary ended; bad-canary [errorRate=0.01] runs; [errorRate=0.1] has not begun.
  const running = { ...slow!.attempts[0]!, verdict: 'running' as const, durationMs: 0, live: { steps: ['when: v2 is deployed'] } };
  return { ...report, durationMs: 0, scenarios: [good!, { ...slow!, attempts: [running] }, { ...late!, attempts: [] }] };
}

describe('run overview (the bar per attempt on the run’s time axis)', () => {
  it('puts every attempt on the run’s axis in the order they started, with the wait before a held-back one', () => {
    const overview = runOverview(sideBySideRun(), Date.now());
    expect([overview.from, overview.to]).to.deep.equal([T0, T0 + 75_000]);
    expect(overview.bars.map((b) => [b.label, b.from - T0, b.to - b.from, b.verdict])).to.deep.equal([
      ['good-canary #1', 200, 40_000, 'pass'],
      ['bad-canary [errorRate=0.01] #1', 300, 50_000, 'fail'],
      ['bad-canary [errorRate=0.1] #1', 40_500, 34_000, 'pass'],
    ]);
    expect(overview.bars.map((b) => b.waiting && [b.waiting.from - T0, b.waiting.to - T0, b.waiting.ms, b.waiting.reason])).to.deep.equal([
      undefined,
      undefined,
      [0, 40_500, 40_300, 'all 2 workers were busy'],
    ]);
    expect(overview.bars[0]!.holds).to.deep.equal({ 'kube-apiserver': 'shared', flagger: 'shared', prometheus: 'shared' });
    expect(overview.mostAtOnce).to.equal(2);
  });

  it('keys charts and names sections as JUnit and the terminal link them: the combination in the name, none without one', () => {
    const report = sideBySideRun();
    const overview = runOverview(report, Date.now());
    expect(overview.bars.map((b) => b.key)).to.deep.equal(['good-canary#1', 'bad-canary [errorRate=0.01]#1', 'bad-canary [errorRate=0.1]#1']);
    const anchors = sectionAnchors(report);
    expect(anchors).to.deep.equal(report.scenarios.map((s) => scenarioAnchor(withCombination(s.scenario, s.combination))));
    expect(new Set(anchors).size).to.equal(3);
    expect(overview.bars.map((b) => b.anchor)).to.deep.equal(anchors.map((a) => `${a}-attempt-1`));
    expect(attemptKey(report.scenarios[0]!, report.scenarios[0]!.attempts[0]!)).to.equal('good-canary#1');
  });

  it('gives a later section a suffix when two names make the same id', () => {
    const report = sideBySideRun();
    const [good, slow] = report.scenarios;
    const alike = { ...report, scenarios: [slow!, { ...good!, scenario: 'bad-canary', combination: { errorRate: '0_01' } }] };
    const anchors = sectionAnchors(alike);
    expect(anchors[1]).to.equal(`${anchors[0]}-2`);
  });

  it('grows a running attempt to now, and while the run goes on ends the axis at the next step past now', () => {
    const report = liveRun();
    const now = T0 + 61_000;
    const overview = runOverview(report, now);
    expect(overview.bars.map((b) => [b.label, b.verdict, b.from - T0, b.to - T0])).to.deep.equal([
      ['good-canary #1', 'pass', 200, 40_200],
      ['bad-canary [errorRate=0.01] #1', 'running', 300, 61_000],
    ]);
    expect([overview.from - T0, overview.to - T0]).to.deep.equal([0, 3 * LIVE_AXIS_STEP_MS]);
    // Within a step the axis stays put, so charts drawn on it need not move at every update.
    expect(runAxis(report, now + 5000)).to.deep.equal(runAxis(report, now));
  });

  it('widens the axis to an attempt that ends after the run did', () => {
    const report = sideBySideRun();
    expect(runAxis({ ...report, durationMs: 60_000 }, Date.now())).to.deep.equal({ from: T0, to: T0 + 74_500 });
  });

  it('places attempts of reports saved before attempts had a start by their first timeline entry, and leaves out those with none', () => {
    const report = sideBySideRun();
    const old = (a: AttemptReport): AttemptReport => {
      const { startedAt: _s, holds: _h, waited: _w, ...rest } = a;
      return rest;
    };
    const scenarios = report.scenarios.map((s) => ({ ...s, attempts: s.attempts.map(old) }));
    const overview = runOverview({ ...report, scenarios }, Date.now());
    expect(overview.bars.map((b) => [b.from - T0, b.to - b.from, b.waiting, b.holds])).to.deep.equal([
      [200, 40_000, undefined, undefined],
      [300, 50_000, undefined, undefined],
      [40_500, 34_000, undefined, undefined],
    ]);
    // The nightly runs' attempts have neither a start nor a timeline.
    expect(runOverview(nightlyRun(1, { rollbackSeconds: 12 }), Date.now()).bars).to.deep.equal([]);
  });

  it('counts the most attempts at one moment; one that ends as another starts does not overlap it', () => {
    expect(mostAtOnce([])).to.equal(0);
    expect(mostAtOnce([{ from: 0, to: 10 }, { from: 10, to: 20 }])).to.equal(1);
    expect(mostAtOnce([{ from: 0, to: 10 }, { from: 5, to: 20 }, { from: 6, to: 7 }, { from: 8, to: 30 }])).to.equal(3);
  });
});
