import type { Verdict } from '../harness/results.ts';
import type { RunReport } from './run-report.ts';

/** One saved run, as the trend names it. */
export interface TrendRun {
  readonly file: string;
  readonly startedAt: string;
  readonly verdict: Verdict;
  readonly provider: string;
  readonly versions: Readonly<Record<string, string>>;
}

/** One scenario in one run. */
export interface TrendPoint {
  /** Index into Trend.runs. */
  readonly run: number;
  readonly verdict: Verdict;
  readonly passRate: number;
  /** All attempts together. */
  readonly durationMs: number;
  /** The median over the attempts of each metric the scenario records. */
  readonly metrics: Readonly<Record<string, number>>;
}

/** Runs with the same component versions: a change of version starts a new series. */
export interface TrendSeries {
  readonly label: string;
  readonly runs: readonly number[];
}

export interface TrendScenario {
  readonly scenario: string;
  readonly points: readonly TrendPoint[];
  /** Every metric any run recorded, in the order first seen. */
  readonly metrics: readonly string[];
  readonly series: readonly TrendSeries[];
}

export interface Trend {
  /** Oldest first. */
  readonly runs: readonly TrendRun[];
  readonly scenarios: readonly TrendScenario[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * "v1.43.0 (go-build)", "v1.43.0 (downloaded)" and "v1.43.0 (go-build), --component flagger=v1.43.0
 * over the pin v1.44.0" are the same version.
 */
const versionOf = (described: string) => described.replace(/\s*\(.*$/, '');

/**
 * Groups the runs by the versions that differ between them: the label names only those, so a
 * Flagger upgrade reads "flagger v1.43.0" against "flagger v1.44.0".
 */
function seriesOf(runs: readonly TrendRun[], indexes: readonly number[]): TrendSeries[] {
  const components = [...new Set(indexes.flatMap((i) => Object.keys(runs[i]!.versions)))].sort();
  const differing = components.filter((c) => new Set(indexes.map((i) => versionOf(runs[i]!.versions[c] ?? 'absent'))).size > 1);
  if (differing.length === 0) return [{ label: 'all runs', runs: indexes }];
  const groups = new Map<string, number[]>();
  for (const i of indexes) {
    const label = differing.map((c) => `${c} ${versionOf(runs[i]!.versions[c] ?? 'absent')}`).join(', ');
    groups.set(label, [...(groups.get(label) ?? []), i]);
  }
  return [...groups].map(([label, members]) => ({ label, runs: members }));
}

function pointOf(run: number, scenario: RunReport['scenarios'][number]): TrendPoint {
  const names = [...new Set(scenario.attempts.flatMap((a) => Object.keys(a.metrics)))];
  const metrics = Object.fromEntries(
    names.map((name) => [name, median(scenario.attempts.flatMap((a) => (name in a.metrics ? [a.metrics[name]!] : [])))]),
  );
  return {
    run,
    verdict: scenario.verdict,
    passRate: scenario.passRate,
    durationMs: scenario.attempts.reduce((sum, a) => sum + a.durationMs, 0),
    metrics,
  };
}

/** Saved runs side by side, per scenario, oldest first. */
export function trendOf(saved: ReadonlyArray<{ readonly file: string; readonly report: RunReport }>): Trend {
  const ordered = [...saved].sort((a, b) => a.report.startedAt.localeCompare(b.report.startedAt));
  const runs: TrendRun[] = ordered.map(({ file, report }) => ({
    file,
    startedAt: report.startedAt,
    verdict: report.verdict,
    provider: report.provider,
    versions: report.versions,
  }));
  const scenarios = [...new Set(ordered.flatMap(({ report }) => report.scenarios.map((s) => s.scenario)))];
  return {
    runs,
    scenarios: scenarios.map((name) => {
      const points = ordered.flatMap(({ report }, run) => report.scenarios.filter((s) => s.scenario === name).map((s) => pointOf(run, s)));
      return {
        scenario: name,
        points,
        metrics: [...new Set(points.flatMap((p) => Object.keys(p.metrics)))],
        series: seriesOf(runs, points.map((p) => p.run)),
      };
    }),
  };
}
