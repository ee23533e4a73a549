import { expect } from 'chai';
import { trendOf, type RunReport } from '../../../reports/index.ts';
import { nightlyRun } from '../../helpers/saved-runs.ts';

const saved = (...reports: RunReport[]) => reports.map((report, i) => ({ file: `night-${i}.json`, report }));

describe('the trend over saved runs', () => {
  it('orders the runs oldest first, whatever order the files came in', () => {
    const trend = trendOf(saved(nightlyRun(3, { rollbackSeconds: 30 }), nightlyRun(1, { rollbackSeconds: 10 }), nightlyRun(2, { rollbackSeconds: 20 })));
    expect(trend.runs.map((r) => r.file)).to.deep.equal(['night-1.json', 'night-2.json', 'night-0.json']);
    const [scenario] = trend.scenarios;
    expect(scenario!.points.map((p) => p.metrics['rollback seconds'])).to.deep.equal([10, 20, 30]);
    expect(scenario!.metrics).to.deep.equal(['rollback seconds', 'user-visible error %']);
  });

  it('takes each metric as the median of the attempts, and the duration as their sum', () => {
    const run = nightlyRun(1, { rollbackSeconds: 10 });
    const attempt = run.scenarios[0]!.attempts[0]!;
    const attempts = [5, 40, 12].map((s, i) => ({ ...attempt, attempt: i + 1, durationMs: 1000, metrics: { 'rollback seconds': s } }));
    const trend = trendOf(saved({ ...run, scenarios: [{ ...run.scenarios[0]!, attempts }] }));
    expect(trend.scenarios[0]!.points[0]).to.deep.include({ durationMs: 3000, metrics: { 'rollback seconds': 12 } });
  });

  it('keeps a failed night as a fail point, and a scenario missing from a run has no point there', () => {
    const other = nightlyRun(2, { rollbackSeconds: 20 });
    const trend = trendOf(saved(nightlyRun(1, { rollbackSeconds: 10, verdict: 'fail' }), { ...other, scenarios: [{ ...other.scenarios[0]!, scenario: 'good-canary' }] }));
    expect(trend.scenarios.map((s) => [s.scenario, s.points.map((p) => [p.run, p.verdict])])).to.deep.equal([
      ['bad-canary', [[0, 'fail']]],
      ['good-canary', [[1, 'pass']]],
    ]);
  });

  it('starts a series where a component version changes, naming only what differs', () => {
    const trend = trendOf(saved(nightlyRun(1, { rollbackSeconds: 10 }), nightlyRun(2, { rollbackSeconds: 11, flagger: 'v1.44.0 (downloaded)' }), nightlyRun(3, { rollbackSeconds: 30, flagger: 'v1.45.0 (go-build)' })));
    expect(trend.scenarios[0]!.series).to.deep.equal([
      { label: 'flagger v1.44.0', runs: [0, 1] },
      { label: 'flagger v1.45.0', runs: [2] },
    ]);
  });

  it("names a version --component moved from the pin by the version alone, as the nightly matrix's runs record it", () => {
    const moved = 'v1.35.4 (go-build), --component kubernetes=v1.35.4 over the pin v1.36.3';
    const trend = trendOf(saved(nightlyRun(1, { rollbackSeconds: 10 }), { ...nightlyRun(2, { rollbackSeconds: 12 }), versions: { kubernetes: moved, flagger: 'v1.44.0 (go-build)' } }));
    expect(trend.scenarios[0]!.series.map((s) => s.label)).to.deep.equal(['kubernetes v1.36.3', 'kubernetes v1.35.4']);
  });

  it('is one series when no version differs', () => {
    expect(trendOf(saved(nightlyRun(1, { rollbackSeconds: 10 }), nightlyRun(2, { rollbackSeconds: 10 }))).scenarios[0]!.series).to.deep.equal([{ label: 'all runs', runs: [0, 1] }]);
  });
});
