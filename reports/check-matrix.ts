import type { CheckResult, CheckStatus } from '../harness/results.ts';

/** Checks that carry variants, pivoted: one row per check, one column per variant. */
export interface CheckMatrix {
  readonly variants: readonly string[];
  readonly rows: ReadonlyArray<{ readonly check: string; readonly results: Readonly<Record<string, CheckStatus>> }>;
}

/** The matrix of an attempt's checks, or undefined when none has a variant. */
export function checkMatrix(checks: readonly CheckResult[]): CheckMatrix | undefined {
  const varied = checks.filter((c) => c.variant !== undefined);
  if (!varied.length) return undefined;
  const variants = [...new Set(varied.map((c) => c.variant!))];
  const names = [...new Set(varied.map((c) => c.name))];
  return {
    variants,
    rows: names.map((check) => ({ check, results: Object.fromEntries(varied.filter((c) => c.name === check).map((c) => [c.variant!, c.status])) })),
  };
}

/** A check's name with its variant, where names repeat across variants (JUnit test cases, lists). */
export const checkLabel = (c: Pick<CheckResult, 'name' | 'variant'>) => (c.variant ? `${c.name} [${c.variant}]` : c.name);
