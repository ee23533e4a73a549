export { kubeconfigProvider, type KubeconfigProviderOptions } from './kubeconfig-provider.ts';
export { checkPrerequisites, ISTIO_CRDS, type ClusterProbe, type Prerequisite } from './prerequisites.ts';
