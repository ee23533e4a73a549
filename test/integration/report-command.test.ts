import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { withCombination } from '../../harness/matrix.ts';
import { renderHtml, renderJson, scenarioAnchor } from '../../reports/index.ts';
import { runCli } from '../helpers/cli.ts';
import { closeBrowser, openReport } from '../helpers/report-browser.ts';
import { SIDE_BY_SIDE_T0 as T0, nightlyRun, sideBySideRun } from '../helpers/saved-runs.ts';

/** The run overview chart's bars, as ECharts holds them: [row, from, to, ms shown] per attempt, and per wait. */
interface OverviewSeries {
  name: string;
  data: Array<{ value: [number, number, number, number]; bar: string }>;
}

describe('testbed report: report.html from saved report.json files (integration)', function () {
  this.timeout(120_000);
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'testbed-report-command-'));
  });
  after(async () => {
    await closeBrowser();
    await rm(dir, { recursive: true, force: true });
  });
  const save = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  it('renders the newest of three nightly runs, with a trend table of verdicts, duration and metrics', async () => {
    const files = [
      await save('night-3.json', renderJson(nightlyRun(3, { rollbackSeconds: 41, verdict: 'fail', flagger: 'v1.45.0 (go-build)' }))),
      await save('night-1.json', renderJson(nightlyRun(1, { rollbackSeconds: 12 }))),
      await save('night-2.json', renderJson(nightlyRun(2, { rollbackSeconds: 14 }))),
    ];
    const out = join(dir, 'html');
    const result = await runCli(['report', ...files, '--out', out]);
    expect(result.exitCode, result.all).to.equal(0);
    expect(result.stdout).to.equal(`report: ${join(out, 'report.html')}`);

    const shown = await openReport(pathToFileURL(join(out, 'report.html')).href);
    try {
      const table = shown.page.locator('table.trend[data-scenario="bad-canary"]');
      expect(await table.locator('tr.verdicts td').allTextContents()).to.deep.equal(['verdict', 'pass', 'pass', 'fail']);
      const metrics = await table.locator('tr.metric').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
      expect(metrics).to.deep.equal([
        ['rollback seconds', '12', '14', '41'],
        ['user-visible error %', '1.50', '1.50', '1.50'],
      ]);
      expect(await table.locator('tr', { hasText: 'versions' }).locator('td').allTextContents()).to.deep.equal(['versions', 'flagger v1.44.0', 'flagger v1.44.0', 'flagger v1.45.0']);
      // The run shown in full is the newest one, night 3, whatever the order of the files.
      expect(await shown.page.locator('#summary .badge').first().textContent()).to.equal('FAIL');
      expect(shown.errors).to.deep.equal([]);
      expect(shown.requests).to.have.length(1);
    } finally {
      await shown.close();
    }
  });

  it('draws a bar per attempt on one time axis shared by every attempt chart, the matrix of a sweep, and unique anchors', async () => {
    const report = sideBySideRun();
    const shown = await openReport(pathToFileURL(await save('side-by-side.html', await renderHtml({ report }))).href);
    try {
      const { page } = shown;
      await page.screenshot({ path: '/tmp/report-overview.png' });

      // The overview: one bar per attempt, in the order they started, and the wait of the one held back.
      const overview = await page.evaluate(() => {
        const option = window.testbedReport.overview!.getOption() as { series: OverviewSeries[]; xAxis: Array<{ min: number; max: number }> };
        return { series: option.series.map((s) => ({ name: s.name, data: s.data.map((d) => [d.bar, d.value[1], d.value[2]]) })), axis: [option.xAxis[0]!.min, option.xAxis[0]!.max] };
      });
      expect(overview.axis).to.deep.equal([T0, T0 + 75_000]);
      expect(overview.series).to.deep.equal([
        { name: 'waiting', data: [['bad-canary [errorRate=0.1]#1', T0, T0 + 40_500]] },
        {
          name: 'attempts',
          data: [
            ['good-canary#1', T0 + 200, T0 + 40_200],
            ['bad-canary [errorRate=0.01]#1', T0 + 300, T0 + 50_300],
            ['bad-canary [errorRate=0.1]#1', T0 + 40_500, T0 + 74_500],
          ],
        },
      ]);
      expect(await page.locator('#run-overview h2').textContent()).to.equal('attempts over time: 3 attempts, up to 2 at once');

      // Every attempt's chart spans the run, so attempts that ran together line up.
      const axes = await page.evaluate(() =>
        [...window.testbedReport.charts].map(([key, chart]) => [key, [...new Set((chart.getOption() as { xAxis: Array<{ min: number; max: number }> }).xAxis.map((a) => `${a.min}-${a.max}`))]]),
      );
      expect(axes).to.deep.equal([
        ['good-canary#1', [`${T0}-${T0 + 75_000}`]],
        ['bad-canary [errorRate=0.01]#1', [`${T0}-${T0 + 75_000}`]],
        ['bad-canary [errorRate=0.1]#1', [`${T0}-${T0 + 75_000}`]],
      ]);

      // The matrix: a column per combination, leading to its section, with its verdict and checks.
      const sweep = page.locator('table.sweep[data-scenario="bad-canary"]');
      expect(await sweep.locator('thead th').allTextContents()).to.deep.equal(['combination', 'errorRate=0.01', 'errorRate=0.1']);
      const links = report.scenarios.slice(1).map((s) => `#${scenarioAnchor(withCombination(s.scenario, s.combination))}`);
      expect(await sweep.locator('thead th a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).to.deep.equal(links);
      expect(await sweep.locator('tr.verdicts td').allTextContents()).to.deep.equal(['verdict', '✗ fail', '✓ pass']);
      expect(await sweep.locator('tr.verdicts td').evaluateAll((tds) => tds.slice(1).map((td) => td.className))).to.deep.equal(['v-fail', 'v-pass']);
      expect(await sweep.locator('tr.sweep-check', { hasText: '(a) rolled back' }).locator('td').allTextContents()).to.deep.equal(['(a) rolled back', '✗ fail', '✓ pass']);
      expect(await sweep.locator('tr.metric', { hasText: 'rollback seconds' }).locator('td').allTextContents()).to.deep.equal(['rollback seconds', '0', '21']);

      // Anchors: no id twice, every link on the page lands, and JUnit's and the terminal's links (scenarioAnchor of the name with its combination) too.
      const ids = await page.evaluate(() => [...document.querySelectorAll('[id]')].map((e) => e.id));
      expect(ids.filter((id, i) => ids.indexOf(id) !== i), 'ids used twice').to.deep.equal([]);
      const hrefs = await page.evaluate(() => [...document.querySelectorAll('a[href^="#"]')].map((a) => a.getAttribute('href')!.slice(1)));
      expect(hrefs.filter((h) => !ids.includes(h)), 'links that land nowhere').to.deep.equal([]);
      for (const s of report.scenarios) expect(ids).to.include(scenarioAnchor(withCombination(s.scenario, s.combination)));
      expect(await page.locator(`#${scenarioAnchor('bad-canary [errorRate=0.1]')} h2`).textContent()).to.contain('bad-canary [errorRate=0.1]');

      // The summary names each combination, and the wait of the attempt that waited, with why.
      const rows = await page.locator('table.overview tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('td')!.textContent, tr.querySelector('td:last-child')!.textContent!.trim()]));
      expect(rows).to.deep.equal([
        ['good-canary', ''],
        ['bad-canary [errorRate=0.01]', ''],
        ['bad-canary [errorRate=0.1]', 'waited 40.3 s: all 2 workers were busy'],
      ]);
      expect(await page.locator('#running-now').isHidden()).to.equal(true);
      expect(shown.errors).to.deep.equal([]);
      expect(shown.requests, 'the page needs no network').to.have.length(1);
    } finally {
      await shown.close();
    }
  });

  it('exits 2 naming the file and where its JSON breaks', async () => {
    const file = await save('truncated.json', renderJson(nightlyRun(1, { rollbackSeconds: 12 })).slice(0, 40));
    const result = await runCli(['report', file]);
    expect(result.exitCode).to.equal(2);
    expect(result.stderr).to.match(new RegExp(`^error: ${file}: not JSON: .* at line \\d+ column \\d+$`));
  });

  it('exits 2 naming the file and the first field of a JSON that is not a report', async () => {
    const file = await save('package.json', await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    const result = await runCli(['report', file]);
    expect(result.exitCode).to.equal(2);
    expect(result.stderr).to.equal(`error: ${file}: schemaVersion: missing, expected 1`);
  });

  it('exits 2 with the usage when given no files', async () => {
    const result = await runCli(['report']);
    expect(result.exitCode).to.equal(2);
    expect(result.stderr).to.match(/^error: missing report\.json files\n\nusage: testbed report FILE\.json/);
  });
});
