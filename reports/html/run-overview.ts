import type { Holds } from '../../harness/holds.ts';
import { withCombination } from '../../harness/matrix.ts';
import type { Verdict } from '../../harness/results.ts';
import type { AttemptReport, RunReport, ScenarioReport } from '../run-report.ts';
import { scenarioAnchor } from './page/html-text.ts';

/** A stretch of time in epoch ms. */
export interface Span {
  readonly from: number;
  readonly to: number;
}

/** One attempt on the run's overview: when it ran, and when it waited before. */
export interface OverviewBar {
  /** Its chart's key, `bad-canary#1`, `bad-canary [errorRate=0.1]#1`. */
  readonly key: string;
  /** `bad-canary [errorRate=0.1] #1`: the name the terminal gives it. */
  readonly label: string;
  /** The id of its section on the page. */
  readonly anchor: string;
  readonly verdict: Verdict | 'running';
  readonly from: number;
  /** Its end; while it runs, now. */
  readonly to: number;
  /** From the start of the run to its own, when the scheduler held it back. */
  readonly waiting?: Span & { readonly ms: number; readonly reason: string };
  /** What it held of the cluster; absent from reports saved before attempts ran side by side. */
  readonly holds?: Holds;
  readonly namespace: string;
}

/** The run's attempts on its time axis, in the order they started. */
export interface RunOverview extends Span {
  readonly bars: readonly OverviewBar[];
  /** The most attempts that ran at the same moment. */
  readonly mostAtOnce: number;
}

/** While a run goes on, the common axis ends at the next whole multiple of this past now, so it moves in steps, not at every update. */
export const LIVE_AXIS_STEP_MS = 30_000;

/** A scenario entry's name, with its `--matrix` combination: `bad-canary [errorRate=0.1]`, as JUnit and the terminal name it. */
export const entryName = (s: ScenarioReport): string => withCombination(s.scenario, s.combination);

/** The key of an attempt's chart (`window.testbedReport.charts`): `bad-canary#1`, `bad-canary [errorRate=0.1]#1`. */
export const attemptKey = (s: ScenarioReport, a: AttemptReport): string => `${entryName(s)}#${a.attempt}`;

/** The id of an attempt's article inside its entry's section. */
export const attemptAnchor = (sectionAnchor: string, a: AttemptReport): string => `${sectionAnchor}-attempt-${a.attempt}`;

/**
 * Each entry's section id, index for index with `report.scenarios`: `scenarioAnchor` of its name,
 * the link JUnit and the terminal print; should two names come out alike, the later gets a suffix.
 */
export function sectionAnchors(report: RunReport): string[] {
  const taken = new Set<string>();
  return report.scenarios.map((s) => {
    const base = scenarioAnchor(entryName(s));
    let anchor = base;
    for (let n = 2; taken.has(anchor); n++) anchor = `${base}-${n}`;
    taken.add(anchor);
    return anchor;
  });
}

export const isRunning = (report: RunReport): boolean => report.scenarios.some((s) => s.attempts.some((a) => a.verdict === 'running'));

/**
 * When an attempt ran: from its start (its first timeline entry in reports saved before attempts
 * had one) to its end, or to now while it runs; undefined when nothing tells its start.
 */
export function attemptSpan(a: AttemptReport, now: number): Span | undefined {
  const times = a.timeline.map((e) => Date.parse(e.at));
  const from = a.startedAt ? Date.parse(a.startedAt) : times.length ? Math.min(...times) : undefined;
  if (from === undefined) return undefined;
  const end = a.verdict === 'running' ? Math.max(now, from) : from + a.durationMs;
  return { from, to: Math.max(end, ...times) };
}

/**
 * The run's common time axis: from its start to its end, widened to any attempt that reaches past
 * them; while it runs, to now rounded up to the next {@link LIVE_AXIS_STEP_MS}.
 */
export function runAxis(report: RunReport, now: number): Span {
  const start = Date.parse(report.startedAt);
  const spans = report.scenarios.flatMap((s) => s.attempts.flatMap((a) => attemptSpan(a, now) ?? []));
  const from = Math.min(start, ...spans.map((s) => s.from));
  let to = Math.max(start + report.durationMs, ...spans.map((s) => s.to));
  if (isRunning(report)) to = Math.max(to, start + Math.ceil((Math.max(now, start) - start + 1) / LIVE_AXIS_STEP_MS) * LIVE_AXIS_STEP_MS);
  return { from, to: Math.max(to, from + 1) };
}

/** The most spans that overlap at one moment (one that ends as another starts does not overlap it). */
export function mostAtOnce(spans: readonly Span[]): number {
  const edges = spans.flatMap((s) => [
    { at: s.from, d: 1 },
    { at: s.to, d: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  let now = 0;
  let most = 0;
  for (const e of edges) most = Math.max(most, (now += e.d));
  return most;
}

/** The run overview: a bar per attempt whose start is known, on the run's axis; `now` makes running ones grow. */
export function runOverview(report: RunReport, now: number): RunOverview {
  const axis = runAxis(report, now);
  const anchors = sectionAnchors(report);
  const bars = report.scenarios.flatMap((s, i) =>
    s.attempts.flatMap((a): OverviewBar[] => {
      const span = attemptSpan(a, now);
      if (!span) return [];
      const waiting = a.waited ? { from: axis.from, to: span.from, ms: a.waited.ms, reason: a.waited.reason } : undefined;
      return [
        {
          key: attemptKey(s, a),
          label: `${entryName(s)} #${a.attempt}`,
          anchor: attemptAnchor(anchors[i]!, a),
          verdict: a.verdict,
          ...span,
          ...(waiting ? { waiting } : {}),
          ...(a.holds ? { holds: a.holds } : {}),
          namespace: a.namespace,
        },
      ];
    }),
  );
  // Array.prototype.sort is stable: attempts that started together keep the report's order.
  bars.sort((a, b) => a.from - b.from);
  return { ...axis, bars, mostAtOnce: mostAtOnce(bars) };
}
