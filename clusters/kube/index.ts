export { KubeClient, type KubeObject, type ManagedFieldsEntry, type KubeResponse, type Identity, type ApplyOptions } from './kube-client.ts';
export { fieldConflicts, isStatus, type KubeStatus, type FieldConflict } from './kube-status.ts';
export { managedFieldPaths, ownersOf } from './managed-fields.ts';
export { watchEvents, type KubeEvent } from './event-watch.ts';
