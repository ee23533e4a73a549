import { expect } from 'chai';
import { redactDeep } from '../../../harness/redaction.ts';
import { decideVerdict, type CheckResult } from '../../../harness/results.ts';
import { parseSettings, resolveTunables } from '../../../harness/tunables.ts';
import { TunableError } from '../../../harness/tunable-error.ts';

const check = (name: string, status: CheckResult['status']): CheckResult => ({ name, status, expected: 1, observed: 1, reason: '', at: '' });

describe('verdict', () => {
  it('is pass when every check passes, fail on the first failed check, error when a step crashed', () => {
    expect(decideVerdict([check('a', 'pass'), check('b', 'skipped')], undefined)).to.deep.equal({ verdict: 'pass', decidedBy: { kind: 'checks' } });
    expect(decideVerdict([check('a', 'pass'), check('b', 'fail'), check('c', 'fail')], undefined)).to.deep.equal({ verdict: 'fail', decidedBy: { kind: 'check', name: 'b' } });
    expect(decideVerdict([check('a', 'fail')], { step: 'deploy', error: 'boom' })).to.deep.equal({ verdict: 'error', decidedBy: { kind: 'step', name: 'deploy', error: 'boom' } });
  });

  it('is never pass when no check ran or all were skipped', () => {
    expect(decideVerdict([], undefined).verdict).to.equal('error');
    expect(decideVerdict([check('a', 'skipped')], undefined).verdict).to.equal('error');
  });
});

describe('tunables', () => {
  const specs = {
    replicas: { type: 'number', default: 3, min: 1, max: 10, description: '' },
    fast: { type: 'boolean', default: false, description: '' },
    mode: { type: 'enum', default: 'a', values: ['a', 'b'], description: '' },
  } as const;

  it('overrides defaults with typed values', () => {
    expect(resolveTunables('s', specs, parseSettings(['replicas=5', 'fast=true', 'mode=b']))).to.deep.equal({ replicas: 5, fast: true, mode: 'b' });
    expect(resolveTunables('s', specs, {})).to.deep.equal({ replicas: 3, fast: false, mode: 'a' });
  });

  it('names the bad key or value and what exists', () => {
    expect(() => resolveTunables('s', specs, { replica: '5' })).to.throw(TunableError, 'scenario s has no tunable "replica"; it has: replicas, fast, mode');
    expect(() => resolveTunables('s', specs, { replicas: 'many' })).to.throw('--set replicas=many: expected a number');
    expect(() => resolveTunables('s', specs, { replicas: '50' })).to.throw('--set replicas=50: must be between 1 and 10');
    expect(() => resolveTunables('s', specs, { mode: 'c' })).to.throw('--set mode=c: expected one of a, b');
    expect(() => parseSettings(['novalue'])).to.throw('--set expects KEY=VALUE, got "novalue"');
  });
});

describe('redaction', () => {
  it('scrubs secret values anywhere in an event', () => {
    const event = { message: 'password is hunter2', data: { list: ['x', 'hunter2!'], n: 1 } };
    expect(redactDeep(event, new Set(['hunter2']))).to.deep.equal({ message: 'password is ***', data: { list: ['x', '***!'], n: 1 } });
  });
});
