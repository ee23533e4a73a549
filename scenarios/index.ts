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

// The fixtures the built-in scenarios are made of, for users' own scenarios.
export { apply, viaGateway } from './scenario-apply.ts';
export { SCENARIO_GROUP, asFieldManager, grantScenarioUsers, scenarioUser, type FieldManager } from './scenario-users.ts';
export { TUTORIAL_GATE, type Analysis, type AppVersion, type FileGate, type Gate, type Pacing } from './canary/canary-app.ts';
export { canaryFileTunable, readCanaryFile } from './canary/canary-file.ts';
export { analysisTunables, pacingFrom } from './canary/canary-tunables.ts';
export { EXPECTED_AFTER_ROLLBACK, afterRollback, checkEventOrder, givenCanary, untilAnalysisEnds, whenNewVersion, type CanaryPlan, type CanaryRun } from './canary/canary-run.ts';
export { FLAGGER, type FlaggerEvent } from './canary/flagger-events.ts';
export { appNames, applyConfigs, routing, service, workload, type AppNames, type ConfigState, type WorkloadShape } from './config-change/config-app.ts';
export { RolloutObserver, type Revision } from './config-change/rollout-observer.ts';
