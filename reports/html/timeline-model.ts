import type { TimelineEntry } from '../../harness/events.ts';
import type { AttemptReport } from '../run-report.ts';
import type { Span } from './run-overview.ts';

/** One line of a chart: [epoch ms, value] points. */
export interface ChartLine {
  readonly name: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

export interface Band extends Span {
  readonly label: string;
}

export interface TimelineChart {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly lines: readonly ChartLine[];
  readonly thresholds: ReadonlyArray<{ readonly label: string; readonly value: number }>;
  /** Shaded spans of this chart alone, e.g. the canary's phases. */
  readonly bands: readonly Band[];
}

export type MarkerLane = 'kubernetes' | 'flagger' | 'reloader' | 'checks' | 'notes';

export interface Marker {
  readonly at: number;
  readonly lane: MarkerLane;
  /** warning, fail and skipped markers look different from the rest. */
  readonly severity: 'normal' | 'warning' | 'pass' | 'fail' | 'skipped';
  readonly label: string;
  readonly message: string;
}

/** Everything one attempt's stacked charts draw, on one time axis: from, to. */
export interface TimelineModel extends Span {
  /** Top-level steps, shaded on every chart. */
  readonly steps: readonly Band[];
  readonly charts: readonly TimelineChart[];
  readonly markers: readonly Marker[];
  /** The moment the verdict was decided: the deciding check, or the end of the step that crashed. */
  readonly decided?: { readonly at: number; readonly label: string };
}

/** How a sampled series is charted: which chart, and which labels tell its lines apart. */
interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly series: readonly string[];
  readonly lineLabel: (series: string, data: Readonly<Record<string, unknown>>) => string;
  /** Charts split per value of this label (config-change: one lane per mechanism). */
  readonly splitBy?: string;
}

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));

const CHART_SPECS: readonly ChartSpec[] = [
  { id: 'load', title: 'load (vegeta)', unit: 'requests/s', series: ['load rps', 'load errors'], lineLabel: (s, d) => `${s === 'load rps' ? 'rps' : 'failed'} ${text(d.load)}`.trim() },
  { id: 'weight', title: 'canary weight', unit: '%', series: ['canary weight'], lineLabel: () => 'canary weight' },
  { id: 'success', title: 'success rate (Prometheus)', unit: '%', series: ['success rate %'], lineLabel: (_s, d) => text(d.workload) || 'all' },
  { id: 'p99', title: 'p99 latency (Prometheus)', unit: 'ms', series: ['p99 ms'], lineLabel: (_s, d) => text(d.workload) || 'all' },
  { id: 'ready', title: 'ready pods per ReplicaSet revision', unit: 'pods', series: ['ready pods'], lineLabel: (_s, d) => `rev ${text(d.revision)} ${text(d.replicaSet)}`, splitBy: 'variant' },
];

const FLAGGER_KINDS = new Set(['Canary', 'MetricTemplate', 'AlertProvider']);

/** Which lane a Kubernetes event belongs to: the controller that wrote it, where one did. */
function eventLane(entry: TimelineEntry): MarkerLane {
  const source = text(entry.data?.source).toLowerCase();
  if (source.includes('flagger') || FLAGGER_KINDS.has(entry.message.split('/')[0] ?? '')) return 'flagger';
  if (source.includes('reloader') || /^Reload/.test(text(entry.data?.reason))) return 'reloader';
  return 'kubernetes';
}

function marker(entry: TimelineEntry, at: number): Marker | undefined {
  switch (entry.kind) {
    case 'kube-event': {
      const reason = text(entry.data?.reason);
      return { at, lane: eventLane(entry), severity: entry.data?.type === 'Warning' ? 'warning' : 'normal', label: reason || 'event', message: entry.message };
    }
    case 'check': {
      const status = entry.message.split(':')[0] as 'pass' | 'fail' | 'skipped';
      return { at, lane: 'checks', severity: status, label: entry.message.slice(status.length + 2), message: entry.message };
    }
    case 'note':
      return { at, lane: 'notes', severity: 'normal', label: 'note', message: entry.message };
    default:
      return undefined;
  }
}

/** Step bands from begin/end pairs; a step that never ended runs to the end of the attempt. */
function stepBands(timeline: readonly TimelineEntry[], end: number): Band[] {
  const open: Array<{ label: string; from: number }> = [];
  const bands: Band[] = [];
  for (const e of timeline) {
    if (e.kind === 'step-begin') open.push({ label: e.message, from: Date.parse(e.at) });
    if (e.kind === 'step-end') {
      const i = open.map((o) => o.label).lastIndexOf(e.message);
      if (i < 0) continue;
      const [begun] = open.splice(i, 1);
      // Nested steps are drawn inside their parent's band: only steps begun at depth 0 shade.
      if (i === 0) bands.push({ label: begun!.label, from: begun!.from, to: Date.parse(e.at) });
    }
  }
  if (open[0]) bands.push({ label: open[0].label, from: open[0].from, to: end });
  return bands.sort((a, b) => a.from - b.from);
}

/** The canary's phases as bands: each phase lasts until the next one is sampled. */
function phaseBands(timeline: readonly TimelineEntry[], end: number): Band[] {
  const phases = timeline.filter((e) => e.kind === 'sample' && e.data?.series === 'canary phase').map((e) => ({ label: text(e.data?.phase), at: Date.parse(e.at) }));
  return phases.map((p, i) => ({ label: p.label, from: p.at, to: phases[i + 1]?.at ?? end }));
}

function charts(timeline: readonly TimelineEntry[], end: number): TimelineChart[] {
  const thresholds = timeline.filter((e) => e.kind === 'threshold');
  const result: TimelineChart[] = [];
  for (const spec of CHART_SPECS) {
    const samples = timeline.filter((e) => e.kind === 'sample' && spec.series.includes(text(e.data?.series)));
    const groups = spec.splitBy ? [...new Set(samples.map((e) => text(e.data?.[spec.splitBy!])))] : [''];
    for (const group of groups) {
      const lines = new Map<string, Array<[number, number]>>();
      for (const e of samples) {
        if (spec.splitBy && text(e.data?.[spec.splitBy]) !== group) continue;
        const name = spec.lineLabel(text(e.data?.series), e.data ?? {});
        if (!lines.has(name)) lines.set(name, []);
        lines.get(name)!.push([Date.parse(e.at), Number(e.data?.value)]);
      }
      if (!lines.size) continue;
      result.push({
        id: group ? `${spec.id}-${group}` : spec.id,
        title: group ? `${spec.title}: ${group}` : spec.title,
        unit: spec.unit,
        lines: [...lines].map(([name, points]) => ({ name, points })),
        thresholds: thresholds.filter((e) => spec.series.includes(text(e.data?.series))).map((e) => ({ label: `gate ${text(e.data?.bound)} ${text(e.data?.value)}`, value: Number(e.data?.value) })),
        bands: spec.id === 'weight' ? phaseBands(timeline, end) : [],
      });
    }
  }
  return result;
}

/**
 * The chart model of one attempt, from its timeline: what report.html draws and the tests assert.
 * On `axis` (the run's, so that attempts that ran together line up), else on its own span; steps
 * and phases that never ended run to its last entry either way.
 */
export function timelineModel(attempt: AttemptReport, axis?: Span): TimelineModel {
  const times = attempt.timeline.map((e) => Date.parse(e.at));
  const from = times.length ? Math.min(...times) : 0;
  const to = times.length ? Math.max(...times) : 0;
  const markers = attempt.timeline.flatMap((e) => marker(e, Date.parse(e.at)) ?? []);
  const d = attempt.decidedBy;
  let decided: TimelineModel['decided'];
  if (d?.kind === 'check') {
    const check = attempt.checks.find((c) => c.name === d.name && c.status === 'fail');
    if (check) decided = { at: Date.parse(check.at), label: `decided: ${d.name}` };
  } else if (d?.kind === 'step') {
    const ended = [...attempt.timeline].reverse().find((e) => e.kind === 'step-end' && e.message === d.name);
    decided = { at: ended ? Date.parse(ended.at) : to, label: `error in step: ${d.name}` };
  }
  return { from: axis?.from ?? from, to: axis?.to ?? to, steps: stepBands(attempt.timeline, to), charts: charts(attempt.timeline, to), markers, ...(decided ? { decided } : {}) };
}
