import { expect } from 'chai';
import { verdictAgreement } from '../../../bench/verdicts-bench.ts';
import type { RunReport } from '../../../reports/index.ts';

const attempt = (n: number, verdict: 'pass' | 'fail', rollback: number) => ({
  attempt: n,
  verdict,
  durationMs: 60_000 + n * 1000,
  metrics: { 'rollback s': rollback },
  decidedBy: verdict === 'fail' ? { kind: 'check', name: '(a) rolled back' } : { kind: 'checks' },
  checks: [
    { name: '(a) rolled back', status: verdict, expected: 1, observed: 1, reason: '', at: '' },
    { name: '(b) wave', variant: 'wave', status: 'skipped', expected: null, observed: null, reason: '', at: '' },
  ],
});

describe('bench verdicts', () => {
  it('counts agreement, check pass rates and metric spreads, and names the attempt that disagreed', () => {
    const report = { scenarios: [{ scenario: 'bad-canary', attempts: [attempt(1, 'pass', 20), attempt(2, 'fail', 30), attempt(3, 'pass', 21)] }] } as unknown as RunReport;
    expect(verdictAgreement(report).split('\n')).to.deep.equal([
      'bad-canary: verdicts agree 2 of 3 (pass; pass 2, fail 1)',
      '  check 2/3 pass  (a) rolled back',
      '  check skipped  (b) wave [wave]',
      '  metric duration [s]: 62.0 (61.0–63.0)',
      '  metric rollback s: 21.00 (20.00–30.00)',
      '  attempt 2 was fail: check (a) rolled back',
    ]);
  });
});
