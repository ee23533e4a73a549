import type { RunReport } from '../../reports/index.ts';

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
