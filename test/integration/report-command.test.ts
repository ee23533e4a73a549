import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { renderJson } from '../../reports/index.ts';
import { runCli } from '../helpers/cli.ts';
import { closeBrowser, openReport } from '../helpers/report-browser.ts';
import { nightlyRun } from '../helpers/saved-runs.ts';

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
