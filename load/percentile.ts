/**
 * The nearest-rank percentile of `ascending` (sorted) values, `p` a fraction (0.99 for p99): the
 * smallest value with at least `p` of all values at or below it. 0 when there are no values.
 */
export function percentile(ascending: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile ${p} is not a fraction between 0 and 1`);
  if (!ascending.length) return 0;
  // Less an epsilon, so that a float product such as 100 × 0.55 = 55.000000000000007 ranks as 55.
  const rank = Math.ceil(ascending.length * p - 1e-9);
  return ascending[Math.min(ascending.length - 1, Math.max(0, rank - 1))]!;
}
