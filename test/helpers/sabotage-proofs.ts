import { expect } from 'chai';
import { checkOf } from '../../harness/check-proofs.ts';
import type { Scenario } from '../../harness/scenario.ts';
import type { RunReport } from '../../reports/index.ts';
import { scenarios } from '../../scenarios/index.ts';

/**
 * Each sabotaged attempt of a run (its `sabotage` set or swept by --matrix) failed every check its
 * scenario declares that sabotage fails, in each declared variant the attempt made it in: what
 * `--list` and the reports then show as the check's proof. A built-in scenario is named; a user's is
 * passed. Returns how many such checks it saw fail.
 */
export function expectDeclaredFailures(report: RunReport, scenarioOrBuiltIn: Scenario | string): number {
  const scenario = typeof scenarioOrBuiltIn === 'string' ? scenarios.find((s) => s.name === scenarioOrBuiltIn)! : scenarioOrBuiltIn;
  let seen = 0;
  // Each sabotage's checks over the whole run: a matrix may make each variant in an attempt of its own.
  const bySabotage = new Map<string, RunReport['scenarios'][number]['checks']>();
  for (const entry of report.scenarios.filter((s) => s.scenario === scenario.name)) {
    for (const attempt of entry.attempts) {
      const sabotage = attempt.tunables.sabotage;
      if (typeof sabotage === 'string' && sabotage !== 'none') bySabotage.set(sabotage, [...(bySabotage.get(sabotage) ?? []), ...attempt.checks]);
    }
  }
  for (const [sabotage, checks] of bySabotage) {
    const spec = scenario.sabotages?.[sabotage];
    expect(spec, `${scenario.name}: sabotage ${sabotage} declares the checks it fails`).to.not.equal(undefined);
    for (const failed of spec!.fails) {
      const named = checks.filter((c) => c.name === checkOf(failed));
      // Each declared variant must have been made: a run that left one out proves nothing of it.
      const groups = typeof failed === 'string' ? [named] : failed.variants.map((v) => named.filter((c) => c.variant === v));
      for (const [i, made] of groups.entries()) {
        const where = typeof failed === 'string' ? '' : ` [${failed.variants[i]}]`;
        expect(made, `${scenario.name} sabotage=${sabotage}: "${checkOf(failed)}"${where} was made`).to.not.be.empty;
        for (const check of made) {
          expect(check.status, `${scenario.name} sabotage=${sabotage}: "${check.name}"${where} (observed ${JSON.stringify(check.observed)})`).to.equal('fail');
          seen++;
        }
      }
    }
  }
  expect(seen, `${scenario.name}: no sabotaged attempt in the run`).to.be.above(0);
  return seen;
}
