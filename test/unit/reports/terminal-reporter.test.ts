import { expect } from 'chai';
import type { AttemptId, EngineEvent } from '../../../harness/events.ts';
import { RunReportBuilder, TerminalProgress, TerminalReporter } from '../../../reports/index.ts';

const at = '2026-01-01T00:00:00.000Z';

/** A stream that keeps what is written to it, as a terminal (TTY) or a CI log. */
function stream(tty: boolean) {
  const chunks: string[] = [];
  const out = { isTTY: tty, columns: 200, write: (chunk: string) => chunks.push(chunk) > 0 } as unknown as NodeJS.WriteStream;
  return { out, text: () => chunks.join('') };
}

/** Two combinations of a sweep, side by side: the first fails its (a), the second passes. */
function sweep(): EngineEvent[] {
  const low: AttemptId = { scenario: 'bad-canary', attempt: 1, combination: { errorRate: '0.01' } };
  const high: AttemptId = { scenario: 'bad-canary', attempt: 1, combination: { errorRate: '0.5' } };
  return [
    { type: 'run-begin', scenarios: ['bad-canary'], repeat: 1, workers: 2, matrix: { errorRate: ['0.01', '0.5'] }, provider: 'embedded', versions: {} },
    { type: 'attempt-begin', id: low, at: new Date().toISOString(), namespace: 'tb-bad-canary-1', holds: {}, tunables: {} },
    { type: 'attempt-begin', id: high, at: new Date().toISOString(), namespace: 'tb-bad-canary-2', holds: {}, tunables: {}, waited: { ms: 1500, reason: 'all 1 workers were busy' } },
    { type: 'step-begin', id: low, step: 'let Flagger analyse the canary' },
    { type: 'step-begin', id: high, step: 'let Flagger analyse the canary' },
    { type: 'wait-begin', id: high, what: 'Flagger to end the analysis', timeoutMs: 1000 },
  ];
}

const ends = (): EngineEvent[] => {
  const low: AttemptId = { scenario: 'bad-canary', attempt: 1, combination: { errorRate: '0.01' } };
  const high: AttemptId = { scenario: 'bad-canary', attempt: 1, combination: { errorRate: '0.5' } };
  return [
    { type: 'step-end', id: low, step: 'let Flagger analyse the canary', ok: true, durationMs: 60_000 },
    { type: 'check', id: low, check: { name: '(a) rolled back', status: 'fail', expected: 'rollback', observed: 'promoted', reason: 'the gate', at } },
    { type: 'attempt-end', id: low, verdict: 'fail', decidedBy: { kind: 'check', name: '(a) rolled back' }, durationMs: 61_000, metrics: { 'user-visible error rate %': 0.2 } },
    { type: 'step-end', id: high, step: 'let Flagger analyse the canary', ok: true, durationMs: 50_000 },
    { type: 'check', id: high, check: { name: '(a) rolled back', status: 'pass', expected: 'rollback', observed: 'rollback', reason: 'the gate', at } },
    { type: 'attempt-end', id: high, verdict: 'pass', decidedBy: { kind: 'checks' }, durationMs: 52_000, metrics: { 'user-visible error rate %': 1.5, 'rollback latency s': 21 } },
    { type: 'run-end', durationMs: 63_000 },
  ];
};

async function report(tty: boolean, events: readonly EngineEvent[]) {
  const { out, text } = stream(tty);
  const builder = new RunReportBuilder();
  const terminal = new TerminalReporter(builder, new TerminalProgress(out), false);
  for (const e of events) {
    builder.onEvent(e);
    terminal.onEvent(e);
  }
  return { terminal, text };
}

describe('terminal reporter, attempts side by side', () => {
  it('in a CI log, names the attempt on every line, and says why one waited', async () => {
    const { terminal, text } = await report(false, [...sweep(), ...ends()]);
    await terminal.finish();
    const lines = text().split('\n');
    expect(lines).to.include('▶ bad-canary [errorRate=0.5] #1 in namespace tb-bad-canary-2 after waiting 1.5 s (all 1 workers were busy)');
    expect(lines).to.include('✓ bad-canary [errorRate=0.01] #1 › let Flagger analyse the canary (60.0s)');
    expect(lines.some((l) => l.startsWith('  ✗ bad-canary [errorRate=0.01] #1: (a) rolled back: expected rollback, observed promoted'))).to.equal(true);
    expect(lines).to.include('  → bad-canary [errorRate=0.5] #1: PASS in 52.0 s');
  });

  it('sets a sweep side by side at the end: the verdict, each check and each metric per combination', async () => {
    const { terminal, text } = await report(false, [...sweep(), ...ends()]);
    await terminal.finish();
    const table = text().slice(text().indexOf('bad-canary across 2 combinations:'));
    const rows = table.split('\n').slice(1, 6).map((r) => r.trim().split(/\s{2,}/));
    expect(rows).to.deep.equal([
      ['errorRate=0.01', 'errorRate=0.5'],
      ['verdict', 'FAIL', 'PASS'],
      ['(a) rolled back', '✗ fail', '✓ pass'],
      ['user-visible error rate %', '0.20', '1.50'],
      ['rollback latency s', '21'],
    ]);
    expect(text()).to.match(/bad-canary \[errorRate=0\.01\]\s+FAIL/);
    expect(text()).to.include('FAIL on embedded in 63.0 s, up to 2 attempts at once');
  });

  it('on a terminal, keeps one live line per running attempt, with its step and what it waits for', async () => {
    const { text } = await report(true, sweep());
    // The live region is redrawn every 200 ms.
    await new Promise((r) => setTimeout(r, 300));
    const live = text().slice(text().lastIndexOf('\x1b[0J') + '\x1b[0J'.length);
    expect(live.split('\n').map((l) => l.replace(/ \d+\.\ds/, ' T'))).to.deep.equal([
      '… bad-canary [errorRate=0.01] #1 T (let Flagger analyse the canary)',
      '… bad-canary [errorRate=0.5] #1 T (let Flagger analyse the canary · waiting for Flagger to end the analysis)',
    ]);
  });
});
