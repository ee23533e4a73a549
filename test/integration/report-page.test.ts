import { expect } from 'chai';
import type { AttemptId, EngineEvent } from '../../harness/events.ts';
import { LiveReportServer, RunReportBuilder } from '../../reports/index.ts';
import { closeBrowser, openReport } from '../helpers/report-browser.ts';

describe('the live report.html of attempts that run side by side (browser, no cluster)', function () {
  this.timeout(60_000);
  after(() => closeBrowser());

  it('lists every attempt running now, with its step and what it waits for, and grows their bars until they end', async () => {
    const builder = new RunReportBuilder();
    const server = new LiveReportServer(builder);
    const emit = (event: EngineEvent) => {
      builder.onEvent(event);
      server.onEvent(event);
    };
    const good: AttemptId = { scenario: 'good-canary', attempt: 1 };
    const swept: AttemptId = { scenario: 'bad-canary', attempt: 1, combination: { errorRate: '0.1' } };
    const url = await server.start();
    try {
      emit({ type: 'run-begin', scenarios: ['good-canary', 'bad-canary'], repeat: 1, workers: 2, matrix: { errorRate: ['0.1'] }, provider: 'embedded', versions: {} });
      emit({ type: 'attempt-begin', id: good, at: new Date().toISOString(), namespace: 'tb-good-canary-1', holds: { flagger: 'shared' }, tunables: {} });
      emit({ type: 'attempt-begin', id: swept, at: new Date().toISOString(), namespace: 'tb-bad-canary-1', holds: { flagger: 'shared' }, tunables: { errorRate: '0.1' } });
      emit({ type: 'step-begin', id: good, step: 'when: v2 is deployed' });
      emit({ type: 'step-begin', id: swept, step: 'then: Flagger rolls back' });
      emit({ type: 'wait-begin', id: swept, what: 'Canary web to be Failed', timeoutMs: 60_000 });
      const live = await openReport(url);
      try {
        const { page } = live;
        await page.waitForFunction(() => document.querySelectorAll('li.running-attempt').length === 2, undefined, { timeout: 10_000 });
        const items = await page.locator('li.running-attempt').evaluateAll((lis) => lis.map((li) => [li.querySelector('a')!.textContent, li.querySelector('.now')!.textContent]));
        expect(items).to.deep.equal([
          ['good-canary #1', 'running when: v2 is deployed'],
          ['bad-canary [errorRate=0.1] #1', 'running then: Flagger rolls back, waiting for Canary web to be Failed'],
        ]);
        expect(await page.locator('#running-now h2').textContent()).to.equal('running now: 2 attempts');

        // Between updates the running bars grow to now: [row, from, to, ms] each.
        const before = await page.evaluate(() => (window.testbedReport.overview!.getOption() as { series: Array<{ data: Array<{ value: number[] }> }> }).series[1]!.data.map((d) => d.value[2]!));
        expect(before).to.have.length(2);
        await page.waitForFunction(
          (b) => (window.testbedReport.overview!.getOption() as { series: Array<{ data: Array<{ value: number[] }> }> }).series[1]!.data.every((d, i) => d.value[2]! > b[i]!),
          before,
          { timeout: 5000 },
        );

        emit({ type: 'step-end', id: good, step: 'when: v2 is deployed', ok: true, durationMs: 5 });
        emit({ type: 'attempt-end', id: good, verdict: 'pass', decidedBy: { kind: 'checks' }, durationMs: 900, metrics: {} });
        await page.waitForFunction(() => document.querySelectorAll('li.running-attempt').length === 1, undefined, { timeout: 10_000 });
        expect(await page.locator('li.running-attempt a').textContent()).to.equal('bad-canary [errorRate=0.1] #1');

        emit({ type: 'wait-end', id: swept, what: 'Canary web to be Failed', ok: true });
        emit({ type: 'step-end', id: swept, step: 'then: Flagger rolls back', ok: true, durationMs: 5 });
        emit({ type: 'attempt-end', id: swept, verdict: 'pass', decidedBy: { kind: 'checks' }, durationMs: 1000, metrics: {} });
        emit({ type: 'run-end', durationMs: 1200 });
        await server.finish();
        await page.waitForSelector('#live.ended', { timeout: 10_000 });
        expect(await page.locator('#running-now').isHidden()).to.equal(true);
        expect(await page.locator('table.sweep[data-scenario="bad-canary"] tr.verdicts td').allTextContents()).to.deep.equal(['verdict', '✓ pass']);
        expect(live.errors).to.deep.equal([]);
      } finally {
        await live.close();
      }
    } finally {
      await server.stop();
    }
  });
});
