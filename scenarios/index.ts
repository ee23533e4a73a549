import type { Scenario } from '../harness/scenario.ts';
import { badCanary } from './bad-canary.ts';
import { conflictingApply } from './conflicting-apply.ts';
import { configCanary } from './config-canary.ts';
import { configChange } from './config-change.ts';
import { goodCanary } from './good-canary.ts';
import { noTraffic } from './no-traffic.ts';
import { slowCanary } from './slow-canary.ts';

/** Every scenario, by name. */
export const scenarios: readonly Scenario[] = [conflictingApply, configChange, badCanary, slowCanary, goodCanary, configCanary, noTraffic].map((s) => s as unknown as Scenario);

/** What `npm run scenario` runs with no name. */
export const defaultSuite: readonly string[] = ['conflicting-apply', 'config-change', 'bad-canary', 'slow-canary', 'good-canary', 'config-canary', 'no-traffic'];
