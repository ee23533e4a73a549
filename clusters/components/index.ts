export { versions, prometheusModuleVersion, type ComponentName } from './versions.ts';
export { catalog, componentOf, goRecipe, type ComponentSpec } from './catalog.ts';
export { cacheRoot } from './cache-dir.ts';
export { expectedSha256 } from './release-download.ts';
export { BuildError } from './go-build.ts';
export {
  provisionBinaries,
  lookupBinary,
  binariesIn,
  toolCommand,
  ComponentUnavailableError,
  type ResolvedBinary,
  type BinarySource,
  type Provenance,
  type ProvisionOptions,
} from './provision.ts';
export { istioCrdManifest, istioCrds, ISTIO_KINDS } from './istio-crds.ts';
export { flaggerManifests, type FlaggerManifests } from './flagger-manifests.ts';
