/**
 * How each check of a scenario has been seen to fail: the sabotages (values of its `sabotage`
 * tunable) that the tests run, asserting `fail` on it. A check no sabotage can reach says why.
 * A check that cannot fail certifies nothing, and a reader cannot tell it from a good one.
 */

/** A check the scenario makes, under its full name. */
export interface CheckSpec {
  /** The matrix columns it is made in (a mechanism, a controller); none when it has no variants. */
  readonly variants?: readonly string[];
  /** Why no sabotage can turn it to `fail`; shown where a sabotage would be. */
  readonly cannotFail?: string;
}

/** What a value of the `sabotage` tunable breaks, and the checks it must turn to `fail`. */
export interface SabotageSpec {
  /**
   * `misconfiguration`: a real component set up the way users' clusters get it wrong (a flag, an
   * annotation, a manifest field, a gate); `harness`: a trick of the harness's own (a value written
   * by hand) where no misconfiguration reaches the check.
   */
  readonly kind: 'misconfiguration' | 'harness';
  /** The upstream issue or documentation that shows users making this mistake. */
  readonly seenIn?: string;
  /** The checks it fails: a check's name, or its name in some variants only. */
  readonly fails: readonly FailedCheck[];
}

export type FailedCheck = string | { readonly check: string; readonly variants: readonly string[] };

/** A scenario's declarations of its checks and sabotages: what the proofs are computed from. */
export interface ProofDeclarations {
  readonly name: string;
  readonly checks?: Readonly<Record<string, CheckSpec>>;
  readonly sabotages?: Readonly<Record<string, SabotageSpec>>;
}

/** The same spec for every check of a scenario's table of names: `checks: checksOf(CHECKS)`. */
export function checksOf(names: Readonly<Record<string, string>>, spec: CheckSpec = {}): Record<string, CheckSpec> {
  return Object.fromEntries(Object.values(names).map((name) => [name, spec]));
}

/** One sabotage that proves a check can fail. */
export interface Proof {
  readonly sabotage: string;
  readonly kind: SabotageSpec['kind'];
  readonly seenIn?: string;
}

/** What stands beside a check in `--list` and the reports. */
export type CheckProof = { readonly provenBy: readonly Proof[] } | { readonly cannotFail: string } | { readonly unproven: true };

/** One row of the coverage table: a check in one variant (or none), and its proof. */
export interface ProofRow {
  readonly check: string;
  readonly variant?: string;
  readonly proof: CheckProof;
}

/** The name of the check a sabotage fails. */
export const checkOf = (f: FailedCheck) => (typeof f === 'string' ? f : f.check);

/** The proof of one check in one variant: the sabotages declared to fail it there, else its reason, else none. */
export function proofOf(scenario: ProofDeclarations, check: string, variant?: string): CheckProof | undefined {
  const spec = scenario.checks?.[check];
  if (!spec) return undefined;
  const provenBy = Object.entries(scenario.sabotages ?? {})
    .filter(([, s]) => s.fails.some((f) => checkOf(f) === check && (typeof f === 'string' || variant === undefined || f.variants.includes(variant))))
    .map(([sabotage, s]): Proof => ({ sabotage, kind: s.kind, ...(s.seenIn ? { seenIn: s.seenIn } : {}) }));
  if (provenBy.length) return { provenBy };
  return spec.cannotFail ? { cannotFail: spec.cannotFail } : { unproven: true };
}

/** Every declared check in every variant, with its proof, in declaration order. */
export function proofTable(scenario: ProofDeclarations): ProofRow[] {
  return Object.entries(scenario.checks ?? {}).flatMap(([check, spec]) =>
    (spec.variants ?? [undefined]).map((variant) => ({ check, ...(variant ? { variant } : {}), proof: proofOf(scenario, check, variant)! })),
  );
}

/**
 * What in the declarations cannot be true: a sabotage failing a check the scenario does not
 * declare, or in a variant the check is not made in, or one the `sabotage` tunable does not offer.
 */
export function proofMistakes(scenario: ProofDeclarations, sabotageValues: readonly string[]): string[] {
  const mistakes: string[] = [];
  for (const [sabotage, spec] of Object.entries(scenario.sabotages ?? {})) {
    if (!sabotageValues.includes(sabotage)) mistakes.push(`${scenario.name}: sabotage "${sabotage}" is not a value of its sabotage tunable (${sabotageValues.join(', ') || 'none'})`);
    for (const failed of spec.fails) {
      const check = scenario.checks?.[checkOf(failed)];
      if (!check) {
        mistakes.push(`${scenario.name}: sabotage "${sabotage}" fails "${checkOf(failed)}", which is not among its checks`);
        continue;
      }
      const unknown = typeof failed === 'string' ? [] : failed.variants.filter((v) => !(check.variants ?? []).includes(v));
      if (unknown.length) mistakes.push(`${scenario.name}: sabotage "${sabotage}" fails "${checkOf(failed)}" in ${unknown.join(', ')}, where it is not made`);
    }
  }
  for (const value of sabotageValues) {
    if (value !== 'none' && scenario.sabotages && !scenario.sabotages[value]) mistakes.push(`${scenario.name}: sabotage "${value}" says nothing of the checks it fails`);
  }
  return mistakes;
}

/** The share of rows proven by a sabotage or excused by a reason. */
export function coverage(rows: readonly ProofRow[]): { readonly covered: number; readonly total: number } {
  return { covered: rows.filter((r) => !('unproven' in r.proof)).length, total: rows.length };
}

/** One line's worth of a proof, for `--list` and the terminal. */
export function describeProof(proof: CheckProof): string {
  if ('provenBy' in proof) return `fails with ${proof.provenBy.map((p) => `sabotage=${p.sabotage} (${p.kind})`).join(', ')}`;
  if ('cannotFail' in proof) return `cannot be sabotaged: ${proof.cannotFail}`;
  return 'no sabotage proves it can fail yet';
}
