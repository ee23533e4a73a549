import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { chromium, type Browser } from 'playwright-core';
import { renderHtml, trendOf, type HtmlReportData, type RunReport } from '../reports/index.ts';

const cli = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

/** A saved report of the default suite: the one given, or a fresh `testbed scenario` run's. */
export async function defaultSuiteReport(path: string | undefined): Promise<{ file: string; report: RunReport }> {
  let file = path ? resolve(path) : resolve('out/report.json');
  if (!path && !(await stat(file).then(() => true, () => false))) {
    const dir = await mkdtemp(join(tmpdir(), 'bench-report-'));
    process.stderr.write(`no ${file}: running the default suite once, reports in ${dir}\n`);
    const run = await execa(process.execPath, ['--import', 'tsx', cli, 'scenario', '--report-dir', dir], { reject: false, stdio: ['ignore', 'inherit', 'inherit'] });
    if (run.exitCode === 2) throw new Error(`the default suite could not run (exit 2); see its output above`);
    file = join(dir, 'report.json');
  }
  return { file, report: JSON.parse(await readFile(file, 'utf8')) as RunReport };
}

/** Bytes of report.html, the time to render it in Node, and the time until Chromium has drawn it all. */
export async function reportRun(browser: Browser, data: HtmlReportData, dir: string): Promise<Record<string, number>> {
  const t0 = performance.now();
  const html = await renderHtml(data);
  const renderMs = performance.now() - t0;
  const file = join(dir, 'report.html');
  await writeFile(file, html);
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  try {
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    const drawnMs = await page.evaluate(() => performance.getEntriesByName('testbed-drawn')[0]?.startTime ?? Number.NaN);
    if (Number.isNaN(drawnMs)) throw new Error(`report.html never finished drawing (${file})`);
    return { 'report.html size': Buffer.byteLength(html) / 2 ** 20, 'render in node': renderMs, 'drawn in chromium': drawnMs };
  } finally {
    await page.close();
  }
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
}

/** The variants `bench report` sets side by side, all from the one saved default-suite report. */
export function reportVariants(saved: { file: string; report: RunReport }): Array<{ name: string; data: HtmlReportData }> {
  const first = { ...saved.report, scenarios: saved.report.scenarios.slice(0, 1) };
  const nightly = [0, 1, 2].map((day) => ({ file: `night-${day}.json`, report: { ...saved.report, startedAt: new Date(Date.parse(saved.report.startedAt) + day * 86_400_000).toISOString() } }));
  return [
    { name: `one scenario (${first.scenarios[0]?.scenario})`, data: { report: first } },
    { name: `default suite (${saved.report.scenarios.length} scenarios)`, data: { report: saved.report } },
    { name: 'suite + trend of 3 runs', data: { report: nightly[2]!.report, trend: trendOf(nightly) } },
  ];
}
