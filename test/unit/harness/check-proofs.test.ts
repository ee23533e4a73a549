import { expect } from 'chai';
import { coverage, proofMistakes, proofTable, type ProofDeclarations } from '../../../harness/check-proofs.ts';
import { scenarios } from '../../../scenarios/index.ts';

const declared: ProofDeclarations = {
  name: 'story',
  checks: {
    '(a) one rollout': { variants: ['reloader', 'kustomize'] },
    '(b) right hash': { variants: ['reloader', 'kustomize'] },
    '(c) nothing to break': { cannotFail: 'it only reads what (a) wrote' },
  },
  sabotages: {
    stopped: { kind: 'misconfiguration', seenIn: 'https://example.org/issue/1', fails: [{ check: '(a) one rollout', variants: ['reloader'] }] },
    'by-hand': { kind: 'harness', fails: ['(b) right hash'] },
  },
};

describe('check proofs (which sabotage shows a check can fail)', () => {
  it('gives each check in each variant the sabotages declared to fail it there, else its reason, else none', () => {
    expect(proofTable(declared)).to.deep.equal([
      { check: '(a) one rollout', variant: 'reloader', proof: { provenBy: [{ sabotage: 'stopped', kind: 'misconfiguration', seenIn: 'https://example.org/issue/1' }] } },
      { check: '(a) one rollout', variant: 'kustomize', proof: { unproven: true } },
      { check: '(b) right hash', variant: 'reloader', proof: { provenBy: [{ sabotage: 'by-hand', kind: 'harness' }] } },
      { check: '(b) right hash', variant: 'kustomize', proof: { provenBy: [{ sabotage: 'by-hand', kind: 'harness' }] } },
      { check: '(c) nothing to break', proof: { cannotFail: 'it only reads what (a) wrote' } },
    ]);
    expect(coverage(proofTable(declared))).to.deep.equal({ covered: 4, total: 5 });
  });

  it('names what cannot be true: an undeclared check or variant, a sabotage the tunable lacks, a tunable value saying nothing', () => {
    const wrong: ProofDeclarations = {
      ...declared,
      sabotages: {
        ...declared.sabotages,
        typo: { kind: 'harness', fails: ['(z) no such check', { check: '(a) one rollout', variants: ['wave'] }] },
      },
    };
    expect(proofMistakes(wrong, ['none', 'stopped', 'by-hand', 'silent'])).to.deep.equal([
      'story: sabotage "typo" is not a value of its sabotage tunable (none, stopped, by-hand, silent)',
      'story: sabotage "typo" fails "(z) no such check", which is not among its checks',
      'story: sabotage "typo" fails "(a) one rollout" in wave, where it is not made',
      'story: sabotage "silent" says nothing of the checks it fails',
    ]);
    expect(proofMistakes(declared, ['none', 'stopped', 'by-hand'])).to.deep.equal([]);
  });

  it('every built-in scenario declares its checks, and its sabotages agree with its checks and its sabotage tunable', () => {
    for (const scenario of scenarios) {
      expect(Object.keys(scenario.checks ?? {}), scenario.name).to.not.be.empty;
      const values = (scenario.tunables as { sabotage?: { values: readonly string[] } }).sabotage?.values ?? [];
      expect(proofMistakes(scenario, values), scenario.name).to.deep.equal([]);
    }
  });
});
