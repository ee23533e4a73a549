import { attemptLabel } from '../harness/attempt-plan.ts';
import type { AttemptId, EngineEvent, Reporter } from '../harness/events.ts';
import { combinationLabel, withCombination } from '../harness/matrix.ts';
import type { RunReportBuilder } from './run-report.ts';
import { checkMatrix, type CheckMatrix } from './check-matrix.ts';
import { sweepsOf, type Sweep } from './sweep.ts';
import type { TerminalProgress } from './terminal-progress.ts';

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const MARKS = { pass: '✓', fail: '✗', skipped: '-' } as const;
const formatMetric = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));

/** Rows of cells as a fixed-width table, indented. */
function table(rows: readonly (readonly string[])[], indent = '    '): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `${indent}${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd()).join('\n');
}

const statusCell = (s: string | undefined) => (s ? `${MARKS[s as keyof typeof MARKS] ?? ''} ${s}` : '');

/** The checks side by side, a column per variant. */
const renderMatrix = (m: CheckMatrix) => `\n${table([['check', ...m.variants], ...m.rows.map((r) => [r.check, ...m.variants.map((v) => statusCell(r.results[v]))])])}\n`;

/** A sweep's combinations side by side: the verdict, each check and each metric. */
const renderSweep = (s: Sweep) =>
  `\n${s.scenario} across ${s.columns.length} combinations:\n${table(
    [
      ['', ...s.columns.map((c) => combinationLabel(c.combination))],
      ['verdict', ...s.columns.map((c) => c.verdict.toUpperCase())],
      ...s.checks.map((check) => [check, ...s.columns.map((c) => statusCell(c.checks[check]))]),
      ...s.metrics.map((metric) => [metric, ...s.columns.map((c) => (c.metrics[metric] === undefined ? '' : formatMetric(c.metrics[metric]!)))]),
    ],
    '  ',
  )}\n`;

/** One attempt as the terminal follows it: its steps, innermost last, and what it waits for. */
interface Followed {
  readonly line: { update(detail: string): void; end(): void };
  readonly steps: string[];
}

/**
 * Every running attempt on a line of its own with its current step and elapsed time (on a TTY;
 * on other streams, a line for each every 15 s), each step's end, each check as it lands and each
 * verdict, every line naming its attempt; a summary table at the end, and each sweep side by side.
 */
export class TerminalReporter implements Reporter {
  readonly #attempts = new Map<string, Followed>();

  constructor(
    private readonly builder: RunReportBuilder,
    private readonly progress: TerminalProgress,
    private readonly verbose = false,
  ) {}

  #followed(id: AttemptId): Followed | undefined {
    return this.#attempts.get(attemptLabel(id));
  }

  onEvent(event: EngineEvent): void {
    const print = (line: string) => this.progress.print(line);
    switch (event.type) {
      case 'run-begin':
        if (event.workers > 1) print(`running up to ${event.workers} attempts at once, each in its own namespace`);
        return;
      case 'attempt-begin': {
        const label = attemptLabel(event.id);
        const waited = event.waited ? ` after waiting ${(event.waited.ms / 1000).toFixed(1)} s (${event.waited.reason})` : '';
        print(`▶ ${label} in namespace ${event.namespace}${waited}`);
        this.#attempts.set(label, { line: this.progress.follow(label), steps: [] });
        return;
      }
      case 'step-begin': {
        const f = this.#followed(event.id);
        if (!f) return;
        f.steps.push(event.step);
        f.line.update(event.step);
        return;
      }
      case 'wait-begin':
        this.#followed(event.id)?.line.update(`${this.#followed(event.id)!.steps.at(-1) ?? ''} · waiting for ${event.what}`);
        return;
      case 'step-end': {
        const f = this.#followed(event.id);
        if (f) {
          f.steps.splice(f.steps.lastIndexOf(event.step), 1);
          f.line.update(f.steps.at(-1) ?? '');
        }
        print(`${event.ok ? '✓' : '✗'} ${attemptLabel(event.id)} › ${event.step} (${(event.durationMs / 1000).toFixed(1)}s)${event.error ? `: ${event.error.split('\n')[0]}` : ''}`);
        return;
      }
      case 'check': {
        const c = event.check;
        const detail = c.status === 'fail' ? `: expected ${show(c.expected)}, observed ${show(c.observed)}; ${c.reason}` : c.status === 'skipped' ? `: skipped, ${c.reason}` : '';
        print(`  ${MARKS[c.status]} ${attemptLabel(event.id)}: ${c.variant ? `[${c.variant}] ` : ''}${c.name}${detail}`);
        return;
      }
      case 'diagnostics': {
        if (!this.verbose) return;
        const { events, logs, objects, problems } = event.diagnostics;
        print(`  ${attemptLabel(event.id)}: diagnostics collected: ${events.length} events, ${logs.length} logs, ${objects.length} objects${problems.length ? `; not collected: ${problems.join('; ')}` : ''}`);
        return;
      }
      case 'attempt-end': {
        const label = attemptLabel(event.id);
        this.#attempts.get(label)?.line.end();
        this.#attempts.delete(label);
        const d = event.decidedBy;
        const why = d.kind === 'check' ? ` (decided by check "${d.name}")` : d.kind === 'step' ? ` (step "${d.name}": ${d.error})` : '';
        const checks = this.builder.attemptOf(event.id)?.checks ?? [];
        const matrix = checkMatrix(checks);
        const metrics = Object.entries(event.metrics).map(([name, value]) => `\n    ${name}: ${formatMetric(value)}`);
        print(`${matrix ? renderMatrix(matrix) : ''}  → ${label}: ${event.verdict.toUpperCase()}${why} in ${(event.durationMs / 1000).toFixed(1)} s${metrics.join('')}`);
        return;
      }
      default:
        return;
    }
  }

  async finish(): Promise<void> {
    const report = this.builder.report;
    if (!report) return;
    const rows = report.scenarios.map((s) => {
      const counts = { pass: 0, fail: 0, skipped: 0 };
      for (const c of s.checks) counts[c.status]++;
      return [
        withCombination(s.scenario, s.combination),
        s.verdict.toUpperCase() + (s.flaky ? ' (flaky)' : ''),
        `${counts.pass}/${counts.fail}/${counts.skipped}`,
        `${(s.passRate * 100).toFixed(0)}% of ${s.attempts.length}`,
        `${(s.attempts.reduce((t, a) => t + a.durationMs, 0) / 1000).toFixed(1)} s`,
      ];
    });
    const header = ['scenario', 'verdict', 'checks pass/fail/skip', 'pass rate', 'time'];
    const rule = header.map((h, i) => '-'.repeat(Math.max(h.length, ...rows.map((r) => r[i]!.length))));
    const sweeps = sweepsOf(report).map(renderSweep).join('');
    const workers = report.workers && report.workers > 1 ? `, up to ${report.workers} attempts at once` : '';
    this.progress.print(`${sweeps}\n${table([header, rule, ...rows], '')}\n${report.verdict.toUpperCase()} on ${report.provider} in ${(report.durationMs / 1000).toFixed(1)} s${workers}`);
  }
}
