import { expect } from 'chai';
import type { TimelineEntry } from '../../../harness/events.ts';
import type { CheckResult } from '../../../harness/results.ts';
import type { AttemptReport } from '../../../reports/index.ts';
import { timelineModel } from '../../../reports/html/timeline-model.ts';

const T0 = Date.parse('2026-12-05T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const entry = (s: number, kind: TimelineEntry['kind'], message: string, data?: Record<string, unknown>): TimelineEntry => ({ at: at(s), kind, message, ...(data ? { data } : {}) });
const sample = (s: number, series: string, value: number, data: Record<string, unknown> = {}) => entry(s, 'sample', series, { series, value, ...data });

function attempt(timeline: TimelineEntry[], extra: Partial<AttemptReport> = {}): AttemptReport {
  return { attempt: 1, namespace: 'ns', tunables: {}, verdict: 'pass', durationMs: 0, steps: [], checks: [], timeline, metrics: {}, ...extra };
}

describe('timeline model (what report.html draws)', () => {
  it('shades top-level steps only, and a step that never ended runs to the end', () => {
    const model = timelineModel(
      attempt([
        entry(0, 'step-begin', 'given: the app'),
        entry(1, 'step-begin', 'wait for pods'),
        entry(4, 'step-end', 'wait for pods'),
        entry(5, 'step-end', 'given: the app'),
        entry(6, 'step-begin', 'when: v2 is deployed'),
        entry(9, 'note', 'still going'),
      ]),
    );
    expect(model.steps).to.deep.equal([
      { label: 'given: the app', from: T0, to: T0 + 5000 },
      { label: 'when: v2 is deployed', from: T0 + 6000, to: T0 + 9000 },
    ]);
    expect([model.from, model.to]).to.deep.equal([T0, T0 + 9000]);
  });

  it('charts weight with phase bands, success rate per workload with the gate as a line, and load', () => {
    const model = timelineModel(
      attempt([
        sample(0, 'canary phase', 0, { phase: 'Progressing' }),
        sample(0, 'canary weight', 0),
        sample(10, 'canary weight', 20),
        sample(20, 'canary phase', 0, { phase: 'Failed' }),
        sample(20, 'canary weight', 0),
        entry(0, 'threshold', 'gate', { series: 'success rate %', bound: 'min', value: 99 }),
        sample(5, 'success rate %', 100, { workload: 'web-primary' }),
        sample(5, 'success rate %', 50, { workload: 'web-canary' }),
        sample(5, 'load rps', 40, { load: 'users' }),
        sample(5, 'load errors', 3, { load: 'users' }),
        sample(30, 'p99 ms', 12, { workload: 'web-canary' }),
      ]),
    );
    const byId = Object.fromEntries(model.charts.map((c) => [c.id, c]));
    expect(Object.keys(byId)).to.deep.equal(['load', 'weight', 'success', 'p99']);
    expect(byId.weight!.lines).to.deep.equal([{ name: 'canary weight', points: [[T0, 0], [T0 + 10_000, 20], [T0 + 20_000, 0]] }]);
    expect(byId.weight!.bands).to.deep.equal([
      { label: 'Progressing', from: T0, to: T0 + 20_000 },
      { label: 'Failed', from: T0 + 20_000, to: T0 + 30_000 },
    ]);
    expect(byId.success!.lines.map((l) => l.name)).to.deep.equal(['web-primary', 'web-canary']);
    expect(byId.success!.thresholds).to.deep.equal([{ label: 'gate min 99', value: 99 }]);
    expect(byId.p99!.thresholds).to.deep.equal([]);
    expect(byId.load!.lines.map((l) => l.name)).to.deep.equal(['rps users', 'failed users']);
  });

  it('gives config-change one ready-pods chart per mechanism, a line per ReplicaSet revision', () => {
    const model = timelineModel(
      attempt([
        sample(0, 'ready pods', 2, { variant: 'reloader', revision: 1, replicaSet: 'app-1' }),
        sample(3, 'ready pods', 1, { variant: 'reloader', revision: 2, replicaSet: 'app-2' }),
        sample(0, 'ready pods', 2, { variant: 'wave', revision: 1, replicaSet: 'w-1' }),
      ]),
    );
    expect(model.charts.map((c) => [c.id, c.title, c.lines.map((l) => l.name)])).to.deep.equal([
      ['ready-reloader', 'ready pods per ReplicaSet revision: reloader', ['rev 1 app-1', 'rev 2 app-2']],
      ['ready-wave', 'ready pods per ReplicaSet revision: wave', ['rev 1 w-1']],
    ]);
  });

  it("puts each event in its controller's lane, with its message and severity", () => {
    const model = timelineModel(
      attempt([
        entry(1, 'kube-event', 'Canary/web Synced: Rolling back web.ns failed checks threshold reached 2', { type: 'Warning', reason: 'Synced', source: 'flagger' }),
        entry(2, 'kube-event', 'Deployment/app Reloaded: Changes detected in configmap', { type: 'Normal', reason: 'Reloaded', source: '' }),
        entry(3, 'kube-event', 'ReplicaSet/app-2 SuccessfulCreate: Created pod: app-2-x', { type: 'Normal', reason: 'SuccessfulCreate', source: 'replicaset-controller' }),
        entry(4, 'check', 'fail: (a) rolled back [wave]'),
      ]),
    );
    expect(model.markers.map((m) => [m.lane, m.severity, m.label])).to.deep.equal([
      ['flagger', 'warning', 'Synced'],
      ['reloader', 'normal', 'Reloaded'],
      ['kubernetes', 'normal', 'SuccessfulCreate'],
      ['checks', 'fail', '(a) rolled back [wave]'],
    ]);
    expect(model.markers[0]!.message).to.contain('Rolling back');
  });

  it('marks the moment the deciding check failed, or the end of the step that crashed', () => {
    const failed: CheckResult = { name: '(a) rolled back', status: 'fail', expected: 1, observed: 0, reason: 'r', at: at(7) };
    const byCheck = timelineModel(attempt([entry(0, 'note', 'n'), entry(9, 'note', 'n')], { verdict: 'fail', checks: [failed], decidedBy: { kind: 'check', name: '(a) rolled back' } }));
    expect(byCheck.decided).to.deep.equal({ at: T0 + 7000, label: 'decided: (a) rolled back' });
    const byStep = timelineModel(
      attempt([entry(0, 'step-begin', 'given: app'), entry(4, 'step-end', 'given: app', { error: 'boom' }), entry(6, 'note', 'cleanup')], { verdict: 'error', decidedBy: { kind: 'step', name: 'given: app', error: 'boom' } }),
    );
    expect(byStep.decided).to.deep.equal({ at: T0 + 4000, label: 'error in step: given: app' });
    expect(timelineModel(attempt([entry(0, 'note', 'n')], { decidedBy: { kind: 'checks' } })).decided).to.equal(undefined);
  });

  it("draws on the run's axis when given one, while an unended step still ends at the attempt's last entry", () => {
    const run = { from: T0 - 60_000, to: T0 + 120_000 };
    const model = timelineModel(attempt([entry(0, 'step-begin', 'given: the app'), entry(9, 'note', 'still going')]), run);
    expect([model.from, model.to]).to.deep.equal([run.from, run.to]);
    expect(model.steps).to.deep.equal([{ label: 'given: the app', from: T0, to: T0 + 9000 }]);
  });
});
