import type { EngineEvent, Reporter } from '../harness/events.ts';
import type { ProgressTask } from '../clusters/progress.ts';
import type { RunReportBuilder } from './run-report.ts';
import { checkMatrix, type CheckMatrix } from './check-matrix.ts';
import { TerminalProgress } from './terminal-progress.ts';

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const MARKS = { pass: '✓', fail: '✗', skipped: '-' } as const;

/** The checks side by side, a column per variant, as a fixed-width table. */
function renderMatrix(m: CheckMatrix): string {
  const first = Math.max(5, ...m.rows.map((r) => r.check.length));
  const widths = m.variants.map((v) => Math.max(v.length, '- skipped'.length));
  const line = (cells: string[]) => `    ${cells[0]!.padEnd(first)}  ${cells.slice(1).map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  const rows = m.rows.map((r) => line([r.check, ...m.variants.map((v) => { const s = r.results[v]; return s ? `${MARKS[s]} ${s}` : ''; })]));
  return `\n${line(['check', ...m.variants])}\n${rows.join('\n')}\n`;
}

/** Live progress (scenario › step, elapsed), each check as it lands, and a summary table at the end. */
export class TerminalReporter implements Reporter {
  readonly #progress: TerminalProgress;
  readonly #steps = new Map<string, ProgressTask>();
  readonly #verbose: boolean;

  constructor(
    private readonly builder: RunReportBuilder,
    private readonly out: NodeJS.WriteStream = process.stderr,
    verbose = false,
  ) {
    this.#progress = new TerminalProgress(out, verbose);
    this.#verbose = verbose;
  }

  onEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'attempt-begin':
        this.out.write(`\n▶ ${event.id.scenario}${event.id.attempt > 1 ? ` (attempt ${event.id.attempt})` : ''} in namespace ${event.namespace}\n`);
        return;
      case 'step-begin':
        this.#steps.set(event.step, this.#progress.begin(`${event.id.scenario} › ${event.step}`));
        return;
      case 'step-end':
        this.#steps.get(event.step)?.end(event.ok ? 'done' : 'failed', event.error);
        this.#steps.delete(event.step);
        return;
      case 'check': {
        const c = event.check;
        const detail = c.status === 'fail' ? `: expected ${show(c.expected)}, observed ${show(c.observed)}; ${c.reason}` : c.status === 'skipped' ? `: skipped, ${c.reason}` : '';
        this.out.write(`  ${MARKS[c.status]} ${c.variant ? `[${c.variant}] ` : ''}${c.name}${detail}\n`);
        return;
      }
      case 'diagnostics': {
        if (!this.#verbose) return;
        const { events, logs, objects, problems } = event.diagnostics;
        this.out.write(`  diagnostics collected: ${events.length} events, ${logs.length} logs, ${objects.length} objects${problems.length ? `; not collected: ${problems.join('; ')}` : ''}\n`);
        return;
      }
      case 'attempt-end': {
        const d = event.decidedBy;
        const why = d.kind === 'check' ? ` (decided by check "${d.name}")` : d.kind === 'step' ? ` (step "${d.name}": ${d.error})` : '';
        const checks = this.builder.report?.scenarios.find((s) => s.scenario === event.id.scenario)?.attempts.at(-1)?.checks ?? [];
        const matrix = checkMatrix(checks);
        if (matrix) this.out.write(renderMatrix(matrix));
        this.out.write(`  → ${event.verdict.toUpperCase()}${why} in ${(event.durationMs / 1000).toFixed(1)} s\n`);
        for (const [name, value] of Object.entries(event.metrics)) this.out.write(`    ${name}: ${Number.isInteger(value) ? value : value.toFixed(2)}\n`);
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
        s.scenario,
        s.verdict.toUpperCase() + (s.flaky ? ' (flaky)' : ''),
        `${counts.pass}/${counts.fail}/${counts.skipped}`,
        `${(s.passRate * 100).toFixed(0)}% of ${s.attempts.length}`,
        `${(s.attempts.reduce((t, a) => t + a.durationMs, 0) / 1000).toFixed(1)} s`,
      ];
    });
    const header = ['scenario', 'verdict', 'checks pass/fail/skip', 'pass rate', 'time'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
    this.out.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`);
    this.out.write(`${report.verdict.toUpperCase()} on ${report.provider} in ${(report.durationMs / 1000).toFixed(1)} s\n`);
  }
}
