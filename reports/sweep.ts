import type { CheckStatus, Verdict } from '../harness/results.ts';
import type { Combination } from '../harness/matrix.ts';
import { percentile } from '../load/percentile.ts';
import { checkLabel } from './check-matrix.ts';
import type { RunReport } from './run-report.ts';

/** One combination of a sweep: its verdict, its checks' statuses (its last attempt's) and its metrics (the median over its attempts). */
export interface SweepColumn {
  readonly combination: Combination;
  readonly verdict: Verdict;
  readonly checks: Readonly<Record<string, CheckStatus>>;
  readonly metrics: Readonly<Record<string, number>>;
}

/** A scenario's `--matrix` combinations side by side: checks and metrics as rows, combinations as columns. */
export interface Sweep {
  readonly scenario: string;
  readonly checks: readonly string[];
  readonly metrics: readonly string[];
  readonly columns: readonly SweepColumn[];
}

const median = (values: readonly number[]) => percentile([...values].sort((a, b) => a - b), 0.5);

/** Each scenario the report swept with `--matrix`, in the order the report holds them. */
export function sweepsOf(report: RunReport): Sweep[] {
  const swept = report.scenarios.filter((s) => s.combination);
  return [...new Set(swept.map((s) => s.scenario))].map((scenario) => {
    const entries = swept.filter((s) => s.scenario === scenario);
    const columns = entries.map((s): SweepColumn => {
      const names = [...new Set(s.attempts.flatMap((a) => Object.keys(a.metrics)))];
      return {
        combination: s.combination!,
        verdict: s.verdict,
        checks: Object.fromEntries(s.checks.map((c) => [checkLabel(c), c.status])),
        metrics: Object.fromEntries(names.map((m) => [m, median(s.attempts.flatMap((a) => (a.metrics[m] === undefined ? [] : [a.metrics[m]!])))])),
      };
    });
    return {
      scenario,
      checks: [...new Set(entries.flatMap((s) => s.checks.map(checkLabel)))],
      metrics: [...new Set(columns.flatMap((c) => Object.keys(c.metrics)))],
      columns,
    };
  });
}
