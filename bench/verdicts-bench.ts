import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { RunReport } from '../reports/index.ts';
import { summarize } from './measurements.ts';

const cli = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

/**
 * Runs the scenarios `runs` times each on one embedded cluster (the CLI's --repeat: started if
 * none runs, stopped after), with the run's progress on stderr, and returns its report.
 */
export async function repeatScenarios(names: readonly string[], runs: number, reportDir: string): Promise<RunReport> {
  const run = await execa(process.execPath, ['--import', 'tsx', cli, 'scenario', ...names, '--repeat', String(runs), '--report-dir', reportDir], { stdio: ['ignore', 'inherit', 'inherit'], reject: false });
  const report = JSON.parse(await readFile(join(reportDir, 'report.json'), 'utf8').catch(() => 'null')) as RunReport | null;
  if (!report) throw new Error(`the scenario run exited ${run.exitCode} and wrote no ${join(reportDir, 'report.json')}`);
  return report;
}

const spread = (values: readonly number[], digits: number) => {
  const s = summarize(values);
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
};

/**
 * Per scenario: how far its attempts' verdicts agree (the commonest verdict, N of N, and every
 * verdict seen), each check's pass rate, and each metric's spread, duration included.
 */
export function verdictAgreement(report: RunReport): string {
  return report.scenarios
    .map((s) => {
      const n = s.attempts.length;
      const counts = new Map<string, number>();
      for (const a of s.attempts) counts.set(a.verdict, (counts.get(a.verdict) ?? 0) + 1);
      const [commonest, agreeing] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
      const lines = [`${s.scenario}: verdicts agree ${agreeing} of ${n} (${commonest}${counts.size > 1 ? `; ${[...counts].map(([v, c]) => `${v} ${c}`).join(', ')}` : ''})`];
      const checks = new Map<string, { passed: number; ran: number }>();
      for (const a of s.attempts) {
        for (const c of a.checks) {
          const key = c.variant ? `${c.name} [${c.variant}]` : c.name;
          const tally = checks.get(key) ?? { passed: 0, ran: 0 };
          checks.set(key, { passed: tally.passed + (c.status === 'pass' ? 1 : 0), ran: tally.ran + (c.status === 'skipped' ? 0 : 1) });
        }
      }
      for (const [name, { passed, ran }] of checks) lines.push(`  check ${ran ? `${passed}/${ran} pass` : 'skipped'}  ${name}`);
      lines.push(`  metric duration [s]: ${spread(s.attempts.map((a) => a.durationMs / 1000), 1)}`);
      const metrics = [...new Set(s.attempts.flatMap((a) => Object.keys(a.metrics)))];
      for (const m of metrics) lines.push(`  metric ${m}: ${spread(s.attempts.flatMap((a) => (a.metrics[m] === undefined ? [] : [a.metrics[m]!])), 2)}`);
      for (const a of s.attempts.filter((a) => a.verdict !== commonest)) {
        const d = a.decidedBy;
        lines.push(`  attempt ${a.attempt} was ${a.verdict}: ${d?.kind === 'check' ? `check ${d.name}` : d?.kind === 'step' ? `step ${d.name}: ${d.error}` : 'its checks'}`);
      }
      return lines.join('\n');
    })
    .join('\n');
}
