import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { readRunReport, renderHtml, ReportFileError, trendOf, type RunReport } from '../reports/index.ts';
import { UsageError, parseCommandArgs } from './usage-error.ts';

export const reportUsage = `usage: testbed report FILE.json... [--out DIR]
  renders DIR/report.html from saved report.json files (CI artifacts, say): the newest run in
  full and, given several, a trend of each scenario's verdicts, duration and metrics over them
  --out DIR   where report.html goes (default: the first file's folder)`;

export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string' } } });
  if (positionals.length === 0) throw new UsageError('missing report.json files');
  const saved: Array<{ file: string; report: RunReport }> = [];
  for (const file of positionals) {
    try {
      saved.push({ file, report: await readRunReport(file) });
    } catch (err) {
      if (!(err instanceof ReportFileError)) throw err;
      process.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
  }
  const newest = saved.reduce((a, b) => (b.report.startedAt > a.report.startedAt ? b : a));
  const out = resolve(join(values.out ?? dirname(positionals[0]!), 'report.html'));
  const html = await renderHtml({ report: newest.report, ...(saved.length > 1 ? { trend: trendOf(saved) } : {}) });
  try {
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, html);
  } catch (err) {
    process.stderr.write(`error: cannot write ${out}: ${(err as Error).message}\n`);
    return 2;
  }
  process.stdout.write(`report: ${out}\n`);
  return 0;
}
