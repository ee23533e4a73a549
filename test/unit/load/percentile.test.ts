import { expect } from 'chai';
import { percentile } from '../../../load/index.ts';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('is the value at rank ⌈n·p⌉ of the sorted values', () => {
    expect(percentile(hundred, 0.99)).to.equal(99);
    expect(percentile(hundred, 0.5)).to.equal(50);
    expect(percentile([15, 20, 35, 40, 50], 0.3)).to.equal(20);
    expect(percentile([15, 20, 35, 40, 50], 0.4)).to.equal(20);
    expect(percentile([15, 20, 35, 40, 50], 0.5)).to.equal(35);
  });

  it('is the largest value at p = 1 and the smallest at p = 0', () => {
    expect(percentile(hundred, 1)).to.equal(100);
    expect(percentile(hundred, 0)).to.equal(1);
  });

  it('is the only value of one, and 0 of none', () => {
    expect(percentile([7], 0.99)).to.equal(7);
    expect(percentile([], 0.99)).to.equal(0);
  });

  it('ranks a product that floating point puts a hair above an integer as that integer', () => {
    expect(percentile(hundred, 0.55)).to.equal(55);
    expect(percentile(hundred, 0.07)).to.equal(7);
  });

  it('refuses a percent where a fraction belongs', () => {
    expect(() => percentile(hundred, 99)).to.throw(RangeError, 'percentile 99 is not a fraction between 0 and 1');
  });
});
