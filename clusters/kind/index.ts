export { kindPlan, DEMO_IMAGE, type KindPlan, type KindPlanOptions, type PlanStep } from './kind-plan.ts';
export { runPlan, describePlan } from './run-plan.ts';
export { planKindCluster, upKindCluster, deleteKindCluster, type KindPorts } from './kind-cluster.ts';
export { kindProvider, type KindProviderOptions } from './kind-provider.ts';
