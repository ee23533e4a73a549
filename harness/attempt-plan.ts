import type { AttemptId } from './events.ts';
import { BASE_HOLDS, mergeHolds } from './holds.ts';
import { combinations, withCombination, type Combination, type Matrix } from './matrix.ts';
import { scenarioTunables, type Scenario } from './scenario.ts';
import type { Schedulable } from './scheduler.ts';
import { TunableError } from './tunable-error.ts';

/** One attempt to run: a scenario, its settings (with a combination's values), and what it holds. */
export interface AttemptPlan extends Schedulable {
  readonly id: AttemptId;
  readonly scenario: Scenario;
  /** The `--set` values the scenario declares, and the combination's. */
  readonly settings: Readonly<Record<string, string>>;
  /** The keys a `--matrix` set, which errors name as such. */
  readonly swept: readonly string[];
}

export interface PlanRequest {
  readonly scenarios: readonly Scenario[];
  /** `--set` values; each applies to the scenarios that declare the key. */
  readonly settings: Readonly<Record<string, string>>;
  /** `--matrix`: one attempt per combination, for every scenario, each of which must declare every key. */
  readonly matrix?: Matrix;
  readonly repeat: number;
}

/** `config-change #1`, `bad-canary [errorRate=0.1] #2`. */
export const attemptLabel = (id: AttemptId): string => `${withCombination(id.scenario, id.combination)} #${id.attempt}`;

/**
 * Every attempt of the run, in order: each scenario, each combination, each repeat. Throws a
 * TunableError, before any cluster work, for a matrix key a scenario does not declare, a key both
 * set and swept, and any value or combination the scenario refuses.
 */
export function planAttempts(r: PlanRequest): AttemptPlan[] {
  const matrix = r.matrix ?? {};
  const swept = Object.keys(matrix);
  for (const key of swept) {
    if (key in r.settings) throw new TunableError(`--set ${key} and --matrix ${key} both give ${key}; keep one`);
    const lacking = r.scenarios.find((s) => !(key in s.tunables));
    if (lacking) throw new TunableError(`--matrix ${key}: scenario ${lacking.name} has no tunable "${key}"; it has: ${Object.keys(lacking.tunables).join(', ') || 'none'}`);
  }
  const cases: ReadonlyArray<Combination | undefined> = swept.length ? combinations(matrix) : [undefined];
  return r.scenarios.flatMap((scenario) =>
    cases.flatMap((combination) => {
      const settings = { ...Object.fromEntries(Object.entries(r.settings).filter(([k]) => k in scenario.tunables)), ...combination };
      const holds = mergeHolds(BASE_HOLDS, Object.fromEntries(scenario.needs.addons.map((a) => [a, 'shared'])), scenario.holds?.(scenarioTunables(scenario, settings, swept)) ?? {});
      return Array.from({ length: r.repeat }, (_, i): AttemptPlan => {
        const id: AttemptId = { scenario: scenario.name, attempt: i + 1, ...(combination ? { combination } : {}) };
        return { id, label: attemptLabel(id), scenario, settings, swept, holds };
      });
    }),
  );
}

