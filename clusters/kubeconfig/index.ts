export { kubeconfigProvider, type KubeconfigProviderOptions } from './kubeconfig-provider.ts';
export { checkPrerequisites, ISTIO_CRDS, type Addon, type ClusterProbe, type Prerequisite } from './prerequisites.ts';
export { flaggerInstallPlan, installFlagger, type FlaggerInstallOptions } from './flagger-install.ts';
export { reloaderInstallPlan, installReloader, type ReloaderInstallOptions } from './reloader-install.ts';
