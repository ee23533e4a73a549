import type { V1Pod, V1Service } from '@kubernetes/client-node';

/** One address behind one port of a Service, worked out from a Pod. */
export interface ServiceEndpoint {
  readonly pod: string;
  readonly ip: string;
  /** The Service port's name ('' when the port is unnamed). */
  readonly portName: string;
  readonly servicePort: number;
  readonly targetPort: number;
  readonly ready: boolean;
  readonly terminating: boolean;
}

function selects(selector: Readonly<Record<string, string>>, pod: V1Pod): boolean {
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function podReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * The endpoints the EndpointSlice controller would publish for `service`, computed from Pods.
 * That controller cannot run here: EndpointSlice validation rejects loopback addresses, and our
 * pods live on 127.x. Same rules: the selector, a pod IP, not finished; targetPort by number or
 * by container port name; readiness from the pod's Ready condition.
 */
export function serviceEndpoints(service: V1Service, pods: readonly V1Pod[]): ServiceEndpoint[] {
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  const namespace = service.metadata?.namespace;
  const endpoints: ServiceEndpoint[] = [];
  for (const pod of pods) {
    if (pod.metadata?.namespace !== namespace || !selects(selector, pod)) continue;
    const ip = pod.status?.podIP;
    const phase = pod.status?.phase;
    if (!ip || phase === 'Succeeded' || phase === 'Failed') continue;
    for (const port of service.spec?.ports ?? []) {
      const target = port.targetPort ?? port.port;
      let targetPort: number | undefined;
      if (typeof target === 'number' || /^\d+$/.test(String(target))) {
        targetPort = Number(target);
      } else {
        for (const container of pod.spec?.containers ?? []) {
          targetPort ??= container.ports?.find((p) => p.name === target && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'))?.containerPort;
        }
      }
      if (targetPort === undefined) continue;
      endpoints.push({
        pod: pod.metadata!.name!,
        ip,
        portName: port.name ?? '',
        servicePort: port.port,
        targetPort,
        ready: podReady(pod) && !pod.metadata?.deletionTimestamp,
        terminating: Boolean(pod.metadata?.deletionTimestamp),
      });
    }
  }
  return endpoints;
}
