export { kindPlan, DEMO_IMAGE, type KindPlanOptions } from './kind-plan.ts';
export { planKindCluster, upKindCluster, deleteKindCluster, type KindPorts } from './kind-cluster.ts';
export { kindProvider, type KindProviderOptions } from './kind-provider.ts';
