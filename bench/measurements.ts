/** Median, min and max of one measured quantity over several runs. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export function summarize(values: readonly number[]): Summary {
  if (!values.length) throw new Error('no measurements');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, runs: sorted.length };
}

/** One row per metric, one column per variant: "median (min–max)". */
export function sideBySide(
  metrics: ReadonlyArray<{ name: string; unit: string; format?: (n: number) => string }>,
  variants: ReadonlyArray<{ name: string; results: Readonly<Record<string, readonly number[]>> }>,
): string {
  const cell = (values: readonly number[], format: (n: number) => string) => {
    const s = summarize(values);
    return `${format(s.median)} (${format(s.min)}–${format(s.max)})`;
  };
  const header = ['metric, median (min–max)', ...variants.map((v) => v.name)];
  const rows = metrics.map((m) => [
    `${m.name} [${m.unit}]`,
    ...variants.map((v) => cell(v.results[m.name] ?? [], m.format ?? ((n) => n.toFixed(1)))),
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}
