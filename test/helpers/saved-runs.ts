import type { TimelineEntry } from '../../harness/events.ts';
import type { CheckResult } from '../../harness/results.ts';
import type { AttemptReport, RunReport, ScenarioReport } from '../../reports/index.ts';

/**
 * A nightly run of bad-canary as report.json saves it: one attempt with its metrics. The trend
 * tests vary the day, the verdict, the metric and Flagger's version.
 */
export function nightlyRun(day: number, opts: { verdict?: 'pass' | 'fail'; rollbackSeconds: number; flagger?: string }): RunReport {
  const verdict = opts.verdict ?? 'pass';
  const at = `2026-11-${String(day).padStart(2, '0')}T02:00:00.000Z`;
  return {
    schemaVersion: 1,
    provider: 'embedded',
    versions: { kubernetes: 'v1.36.3 (go-build)', flagger: opts.flagger ?? 'v1.44.0 (go-build)' },
    verdict,
    startedAt: at,
    durationMs: 60_000 + day,
    environment: { node: 'v20.20.2', os: 'linux', cpus: 2, host: 'ci' },
    scenarios: [
      {
        scenario: 'bad-canary',
        verdict,
        passRate: verdict === 'pass' ? 1 : 0,
        flaky: false,
        checks: [{ name: '(a) rolled back', status: verdict, expected: true, observed: verdict === 'pass', reason: 'Flagger rolls back a failing canary', at }],
        attempts: [
          {
            attempt: 1,
            namespace: `tb-bad-canary-${day}`,
            tunables: {},
            verdict,
            durationMs: 60_000 + day,
            steps: [],
            checks: [],
            timeline: [],
            metrics: { 'rollback seconds': opts.rollbackSeconds, 'user-visible error %': 1.5 },
          },
        ],
      },
    ],
  };
}

/** The start of {@link sideBySideRun}. */
export const SIDE_BY_SIDE_T0 = Date.parse('2026-12-01T03:00:00.000Z');

/**
 * A run with two workers and `--matrix errorRate=0.01,0.1`: good-canary and bad-canary
 * [errorRate=0.01] run side by side from the start; bad-canary [errorRate=0.1] waits for a
 * worker, then runs alone. 75 s in all.
 */
export function sideBySideRun(): RunReport {
  const t0 = SIDE_BY_SIDE_T0;
  const iso = (ms: number) => new Date(t0 + ms).toISOString();
  const attempt = (o: { scenario: string; startMs: number; durationMs: number; verdict: 'pass' | 'fail'; errorRate: number; waited?: { ms: number; reason: string } }) => {
    const end = o.startMs + o.durationMs;
    const rolledBack = o.errorRate >= 0.05;
    const checks: CheckResult[] = [
      { name: '(a) rolled back', status: o.scenario === 'good-canary' || rolledBack ? 'pass' : 'fail', expected: o.scenario !== 'good-canary', observed: rolledBack, reason: 'Flagger rolls back a failing canary', at: iso(end - 2000) },
      { name: '(b) users saw few errors', status: 'pass', expected: '< 2 %', observed: `${(o.errorRate * 10).toFixed(1)} %`, reason: 'the gate keeps the canary small', at: iso(end - 1000) },
    ];
    const weights = Array.from({ length: Math.floor(o.durationMs / 5000) }, (_, i): TimelineEntry => ({
      at: iso(o.startMs + i * 5000),
      kind: 'sample',
      message: 'canary weight',
      data: { series: 'canary weight', value: Math.min(50, i * 10) },
    }));
    const report: AttemptReport = {
      attempt: 1,
      namespace: `tb-${o.scenario}-${o.errorRate}`,
      startedAt: iso(o.startMs),
      holds: { 'kube-apiserver': 'shared', flagger: 'shared', prometheus: 'shared' },
      ...(o.waited ? { waited: o.waited } : {}),
      tunables: { errorRate: o.errorRate },
      verdict: o.verdict,
      decidedBy: o.verdict === 'pass' ? { kind: 'checks' } : { kind: 'check', name: '(a) rolled back' },
      durationMs: o.durationMs,
      steps: [
        { name: 'given: the app', ok: true, durationMs: 8000 },
        { name: 'when: v2 is deployed', ok: true, durationMs: o.durationMs - 8000 },
      ],
      checks,
      timeline: [
        { at: iso(o.startMs), kind: 'step-begin', message: 'given: the app' },
        { at: iso(o.startMs + 8000), kind: 'step-end', message: 'given: the app' },
        { at: iso(o.startMs + 8000), kind: 'step-begin', message: 'when: v2 is deployed' },
        ...weights,
        ...checks.map((c): TimelineEntry => ({ at: c.at, kind: 'check', message: `${c.status}: ${c.name}` })),
        { at: iso(end), kind: 'step-end', message: 'when: v2 is deployed' },
      ],
      metrics: { 'user-visible error %': o.errorRate * 10, 'rollback seconds': rolledBack ? 21 : 0 },
    };
    return report;
  };
  const entry = (scenario: string, combination: Record<string, string> | undefined, a: AttemptReport): ScenarioReport => ({
    scenario,
    ...(combination ? { combination } : {}),
    verdict: a.verdict as 'pass' | 'fail',
    passRate: a.verdict === 'pass' ? 1 : 0,
    flaky: false,
    checks: a.checks,
    attempts: [a],
  });
  return {
    schemaVersion: 1,
    provider: 'embedded',
    versions: { kubernetes: 'v1.36.3 (go-build)', flagger: 'v1.44.0 (go-build)' },
    verdict: 'fail',
    startedAt: iso(0),
    durationMs: 75_000,
    workers: 2,
    matrix: { errorRate: ['0.01', '0.1'] },
    environment: { node: 'v20.20.2', os: 'linux', cpus: 4, host: 'ci' },
    scenarios: [
      entry('good-canary', undefined, attempt({ scenario: 'good-canary', startMs: 200, durationMs: 40_000, verdict: 'pass', errorRate: 0 })),
      entry('bad-canary', { errorRate: '0.01' }, attempt({ scenario: 'bad-canary', startMs: 300, durationMs: 50_000, verdict: 'fail', errorRate: 0.01 })),
      entry('bad-canary', { errorRate: '0.1' }, attempt({ scenario: 'bad-canary', startMs: 40_500, durationMs: 34_000, verdict: 'pass', errorRate: 0.1, waited: { ms: 40_300, reason: 'all 2 workers were busy' } })),
    ],
  };
}
