import type { Scenario } from '../harness/scenario.ts';
import { conflictingApply } from './conflicting-apply.ts';

/** Every scenario, by name. */
export const scenarios: readonly Scenario[] = [conflictingApply as unknown as Scenario];

/** What `npm run scenario` runs with no name. */
export const defaultSuite: readonly string[] = ['conflicting-apply'];
