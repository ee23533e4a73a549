export {
  upCluster,
  downCluster,
  clusterHealth,
  adminClient,
  describeSource,
  ClusterAlreadyRunningError,
  CLUSTER_BINARIES,
  type UpOptions,
  type ClusterHealth,
} from './embedded-cluster.ts';
export { ClusterPaths, type ClusterInfo } from './cluster-state.ts';
export { ensureAddons, embeddedControllers, ADDONS, type Addon } from './addons.ts';
export { embeddedProvider, type EmbeddedProviderOptions } from './embedded-provider.ts';
export { findPodLog, PodLogNotFoundError } from './pod-log.ts';
export { DEMO_IMAGE, ImageMapError } from './node-agent/index.ts';
export { serviceEndpoints, type ServiceEndpoint } from './endpoints/index.ts';
export { registerScrapeTarget } from './scrape-targets.ts';
