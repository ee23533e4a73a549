import type { V1Pod } from '@kubernetes/client-node';

/** How Istio names the workload behind a pod in its metrics labels. */
export interface WorkloadIdentity {
  readonly workload: string;
  readonly namespace: string;
  readonly app: string;
  readonly version: string;
  readonly canonicalService: string;
  readonly canonicalRevision: string;
}

/**
 * A pod's workload as Istio derives it from the owner: a ReplicaSet's pods belong to its
 * Deployment (the name less the pod-template-hash), other owners by name, a bare pod to itself.
 */
export function workloadOf(pod: V1Pod): WorkloadIdentity {
  const labels = pod.metadata?.labels ?? {};
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  const hash = labels['pod-template-hash'];
  let workload = pod.metadata?.name ?? 'unknown';
  if (owner?.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) workload = owner.name.slice(0, -(hash.length + 1));
  else if (owner) workload = owner.name;
  const app = labels['app.kubernetes.io/name'] ?? labels.app ?? 'unknown';
  const version = labels['app.kubernetes.io/version'] ?? labels.version ?? 'unknown';
  return {
    workload,
    namespace: pod.metadata?.namespace ?? 'default',
    app,
    version,
    canonicalService: labels['service.istio.io/canonical-name'] ?? (app === 'unknown' ? workload : app),
    canonicalRevision: labels['service.istio.io/canonical-revision'] ?? (version === 'unknown' ? 'latest' : version),
  };
}

/** What Istio reports for a peer it cannot identify. */
export const UNKNOWN_WORKLOAD: WorkloadIdentity = {
  workload: 'unknown',
  namespace: 'unknown',
  app: 'unknown',
  version: 'unknown',
  canonicalService: 'unknown',
  canonicalRevision: 'latest',
};
