export { versions, previousMinors, prometheusModuleVersion, type ComponentName } from './versions.ts';
export {
  catalog,
  componentAt,
  componentOf,
  goRecipe,
  isOverridable,
  moduleVersionOf,
  overrideEnvVar,
  LOCAL_TOOLS,
  OVERRIDABLE_MODULES,
  RELOADER_LISTEN_ENV,
  WAVE_METRICS_ADDRESS,
  type ComponentSpec,
  type ComponentVersions,
  type OverridableComponent,
} from './catalog.ts';
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
export { reloaderManifests, RELOADER_NAMESPACE, type ReloaderManifests } from './reloader-manifests.ts';
export { goModuleSource } from './module-source.ts';
