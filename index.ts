// The package's public surface: what a user's *.scenario.ts imports from 'delivery-testbed'.
export { defineScenario, type CheckContext, type LoadRequest, type LoadWindow, type RunningLoad, type Scenario, type ScenarioContext, type StepOptions } from './harness/scenario.ts';
export { checksOf, type CheckSpec, type FailedCheck, type SabotageSpec } from './harness/check-proofs.ts';
export { sabotageTunable, type FileTunableSpec, type TunableSpec, type TunableSpecs, type TunableValues } from './harness/tunables.ts';
export { defineConfig, type TestbedConfig } from './harness/testbed-config.ts';
export type { KubeClient, KubeObject, KubeResponse } from './clusters/kube/index.ts';
export type { LoadProfile, LoadSummary } from './load/index.ts';
export {
  EXPECTED_AFTER_ROLLBACK, FLAGGER, SCENARIO_GROUP, TUTORIAL_GATE, afterRollback, analysisTunables, appNames, apply, applyConfigs, asFieldManager, canaryFileTunable, checkEventOrder, givenCanary,
  grantScenarioUsers, pacingFrom, readCanaryFile, routing, RolloutObserver, scenarioUser, service, untilAnalysisEnds, viaGateway, whenNewVersion, workload,
  type Analysis, type AppNames, type AppVersion, type CanaryPlan, type CanaryRun, type ConfigState, type FieldManager, type FileGate, type FlaggerEvent, type Gate, type Pacing, type Revision, type WorkloadShape,
} from './scenarios/index.ts';
