import { expect } from 'chai';
import { LoadInputError, MAX_RPS, checkLoopback, parseDuration, stagesOf } from '../../../load/index.ts';
import { vegetaTargets } from '../../../load/load-target.ts';

describe('load profiles', () => {
  it('turns a steady profile into one stage and a ramp into equal climbing stages', () => {
    expect(stagesOf({ kind: 'steady', rps: 200, seconds: 30 })).to.deep.equal([{ rps: 200, seconds: 30 }]);
    expect(stagesOf({ kind: 'ramp', fromRps: 100, toRps: 500, seconds: 20, steps: 5 })).to.deep.equal(
      [100, 200, 300, 400, 500].map((rps) => ({ rps, seconds: 4 })),
    );
  });

  it('refuses loads that are unbounded or nonsensical, naming the bound', () => {
    expect(() => stagesOf({ kind: 'steady', rps: MAX_RPS + 1, seconds: 1 })).to.throw(LoadInputError, `(0, ${MAX_RPS}]`);
    expect(() => stagesOf({ kind: 'steady', rps: 10, seconds: 0 })).to.throw(LoadInputError, 'duration');
    expect(() => stagesOf({ kind: 'steady', rps: 10, seconds: 601 })).to.throw(LoadInputError, 'duration');
    expect(() => stagesOf({ kind: 'steady', rps: Number.NaN, seconds: 1 })).to.throw(LoadInputError, 'rps');
    expect(() => stagesOf({ kind: 'ramp', fromRps: 1, toRps: 10, seconds: 3, steps: 5 })).to.throw(LoadInputError, 'at least 1 s');
  });

  it('parses durations with ms, s and m units', () => {
    expect([parseDuration('30s'), parseDuration('2m'), parseDuration('1500ms'), parseDuration('7')]).to.deep.equal([30, 120, 1.5, 7]);
    expect(() => parseDuration('soon')).to.throw(LoadInputError, '"soon"');
  });

  it('targets 127.0.0.0/8 only, and sets Host the way vegeta reads it', () => {
    expect(checkLoopback({ url: 'http://127.3.0.9:8080/x' }).port).to.equal('8080');
    for (const url of ['http://10.0.0.1/', 'http://localhost/', 'http://127.example.com/', 'https://127.0.0.1/', 'not a url']) {
      expect(() => checkLoopback({ url }), url).to.throw(LoadInputError);
    }
    expect(vegetaTargets({ url: 'http://127.0.0.1:1/', host: 'web.example.com' })).to.equal('GET http://127.0.0.1:1/\nHost: web.example.com\n');
  });
});
