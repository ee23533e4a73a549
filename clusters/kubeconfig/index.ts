export { kubeconfigProvider, type KubeconfigProviderOptions } from './kubeconfig-provider.ts';
export { checkPrerequisites, ISTIO_CRDS, type ClusterProbe, type Prerequisite } from './prerequisites.ts';
export { flaggerInstallPlan, installFlagger, type FlaggerInstallOptions } from './flagger-install.ts';
