export { KubeClient, KubeApiError, type KubeObject, type ManagedFieldsEntry, type KubeResponse, type Identity, type ApplyOptions } from './kube-client.ts';
export { fieldConflicts, isStatus, type KubeStatus, type FieldConflict } from './kube-status.ts';
export { managedFieldPaths, ownersOf } from './managed-fields.ts';
export { manifestYaml } from './manifest-yaml.ts';
export { watchEvents, type KubeEvent, type EventWatchOptions } from './event-watch.ts';
export { resumableWatch, type ResumableWatchOptions, type WatchPhase } from './resumable-watch.ts';
