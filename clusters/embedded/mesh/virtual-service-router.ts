import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { serviceEndpoints, type ServiceEndpoint } from '../endpoints/index.ts';
import {
  parseDuration,
  type DestinationRule,
  type Gateway,
  type HTTPFaultInjection,
  type HTTPMatchRequest,
  type HTTPRoute,
  type StringMatch,
  type VirtualService,
} from './istio-resources.ts';

/** Everything routing depends on, as last seen from the API server. */
export interface MeshSnapshot {
  readonly gateways: readonly Gateway[];
  readonly virtualServices: readonly VirtualService[];
  readonly destinationRules: readonly DestinationRule[];
  readonly services: readonly V1Service[];
  readonly pods: readonly V1Pod[];
}

export interface RouteRequest {
  /** The Host header; a port is ignored. */
  readonly authority: string;
  readonly path: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

export interface RetryPolicy {
  readonly attempts: number;
  readonly perTryTimeoutMs: number | undefined;
  readonly retryOn: ReadonlySet<string>;
}

export interface ResolvedEndpoint extends ServiceEndpoint {
  readonly podObject: V1Pod;
}

/** Envoy's response flags for the failures routing itself can produce. */
export type RoutingFailure =
  | { readonly kind: 'failure'; readonly status: 404; readonly flag: 'NR'; readonly reason: string }
  | { readonly kind: 'failure'; readonly status: 503; readonly flag: 'NC' | 'UH'; readonly reason: string };

export interface RouteDecision {
  readonly kind: 'route';
  /** `namespace/name` of the VirtualService that matched. */
  readonly virtualService: string;
  readonly routeName: string;
  readonly service: V1Service;
  readonly subset: string | undefined;
  readonly servicePort: number;
  readonly endpoints: readonly ResolvedEndpoint[];
  readonly timeoutMs: number | undefined;
  readonly retries: RetryPolicy;
  readonly fault: HTTPFaultInjection | undefined;
}

/** Istio's default when a route sets no retries: 2 attempts on connection failures and 503. */
const DEFAULT_RETRIES: RetryPolicy = {
  attempts: 2,
  perTryTimeoutMs: undefined,
  retryOn: new Set(['connect-failure', 'refused-stream', 'unavailable', 'cancelled', '503']),
};

/** `*`, `*.example.com` or an exact host; a `namespace/` prefix (Gateway servers) is dropped. */
export function hostMatches(pattern: string, host: string): boolean {
  const p = (pattern.includes('/') ? pattern.slice(pattern.indexOf('/') + 1) : pattern).toLowerCase();
  const h = host.toLowerCase();
  if (p === '*') return true;
  if (p.startsWith('*.')) return h.endsWith(p.slice(1));
  return p === h;
}

function stringMatches(match: StringMatch, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (match.exact !== undefined) return value === match.exact;
  if (match.prefix !== undefined) return value.startsWith(match.prefix);
  if (match.regex !== undefined) {
    // Istio rejects an invalid RE2 regex at admission; one that got through matches nothing.
    try {
      return new RegExp(`^(?:${match.regex})$`).test(value);
    } catch {
      return false;
    }
  }
  return true;
}

function requestMatches(match: HTTPMatchRequest, req: RouteRequest): boolean {
  if (match.uri && !stringMatches(match.uri, req.path)) return false;
  if (match.method && !stringMatches(match.method, req.method)) return false;
  for (const [name, m] of Object.entries(match.headers ?? {})) {
    const value = req.headers[name.toLowerCase()];
    if (!stringMatches(m, Array.isArray(value) ? value.join(',') : (value as string | undefined))) return false;
  }
  return true;
}

/** `web`, `web.ns`, `web.ns.svc` or `web.ns.svc.cluster.local`, relative to `namespace`. */
function resolveServiceHost(host: string, namespace: string, services: readonly V1Service[]): V1Service | undefined {
  const [name, ns = namespace] = host.split('.');
  return services.find((s) => s.metadata?.name === name && s.metadata?.namespace === ns);
}

/**
 * Routes a request arriving at the ingress gateway the way Istio does: Host → Gateway server →
 * VirtualService bound to that Gateway → first matching HTTP route → weighted destination →
 * Service, DestinationRule subset, ready endpoints. Weights that do not sum to 100 are taken
 * relative to their sum (Envoy's weighted clusters), where Istio's validation would reject them.
 */
export class VirtualServiceRouter {
  constructor(
    private readonly snapshot: MeshSnapshot,
    private readonly random: () => number = Math.random,
  ) {}

  route(req: RouteRequest): RouteDecision | RoutingFailure {
    const host = req.authority.replace(/:\d+$/, '');
    const gateways = this.snapshot.gateways.filter((g) => (g.spec.servers ?? []).some((s) => (s.hosts ?? []).some((h) => hostMatches(h, host))));
    if (!gateways.length) return { kind: 'failure', status: 404, flag: 'NR', reason: `no Gateway serves host "${host}"` };
    const bound = (vs: VirtualService) =>
      gateways.some((g) => (vs.spec.gateways ?? []).some((ref) => ref === `${g.metadata.namespace}/${g.metadata.name}` || (ref === g.metadata.name && vs.metadata.namespace === g.metadata.namespace)));
    const candidates = [...this.snapshot.virtualServices]
      .filter((vs) => bound(vs) && (vs.spec.hosts ?? []).some((h) => hostMatches(h, host)))
      .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
    for (const vs of candidates) {
      const index = (vs.spec.http ?? []).findIndex((r) => !r.match?.length || r.match.some((m) => requestMatches(m, req)));
      if (index >= 0) return this.#resolve(vs, vs.spec.http![index]!, index);
    }
    return { kind: 'failure', status: 404, flag: 'NR', reason: `no VirtualService route matches ${req.method} ${host}${req.path}` };
  }

  /**
   * Routes a request sent to a Service's own address the way a client sidecar does: the first
   * VirtualService bound to the mesh (no gateways, or `mesh`) whose hosts name this Service and
   * whose route matches, otherwise straight to the Service on the port called.
   */
  routeToService(service: V1Service, port: number, req: RouteRequest): RouteDecision | RoutingFailure {
    const { name, namespace } = service.metadata as { name: string; namespace: string };
    const candidates = [...this.snapshot.virtualServices]
      .filter((vs) => (!vs.spec.gateways?.length || vs.spec.gateways.includes('mesh')) && (vs.spec.hosts ?? []).some((h) => resolveServiceHost(h, vs.metadata.namespace, this.snapshot.services) === service))
      .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
    for (const vs of candidates) {
      const index = (vs.spec.http ?? []).findIndex((r) => !r.match?.length || r.match.some((m) => requestMatches(m, req)));
      if (index >= 0) return this.#resolve(vs, vs.spec.http![index]!, index);
    }
    const direct: VirtualService = { metadata: { name: `${name} (no VirtualService)`, namespace }, spec: { hosts: [name] } };
    return this.#resolve(direct, { route: [{ destination: { host: name, port: { number: port } } }] }, 0);
  }

  #pick(route: HTTPRoute) {
    const destinations = route.route ?? [];
    const weights = destinations.map((d) => d.weight ?? (destinations.length === 1 ? 100 : 0));
    const total = weights.reduce((a, b) => a + b, 0);
    if (total <= 0) return destinations[0];
    let r = this.random() * total;
    for (let i = 0; i < destinations.length; i++) {
      r -= weights[i]!;
      if (r < 0) return destinations[i];
    }
    return destinations.at(-1);
  }

  #resolve(vs: VirtualService, route: HTTPRoute, index: number): RouteDecision | RoutingFailure {
    const chosen = this.#pick(route);
    const where = `${vs.metadata.namespace}/${vs.metadata.name}`;
    if (!chosen) return { kind: 'failure', status: 503, flag: 'NC', reason: `route ${index} of VirtualService ${where} has no destination` };
    const { host, subset, port } = chosen.destination;
    const service = resolveServiceHost(host, vs.metadata.namespace, this.snapshot.services);
    if (!service) return { kind: 'failure', status: 503, flag: 'NC', reason: `VirtualService ${where} routes to host "${host}", which names no Service` };
    const servicePort = (port?.number ? service.spec?.ports?.find((p) => p.port === port.number) : service.spec?.ports?.[0])?.port;
    if (servicePort === undefined) return { kind: 'failure', status: 503, flag: 'NC', reason: `Service ${host} has no port ${port?.number ?? ''}` };
    let subsetLabels: Readonly<Record<string, string>> = {};
    if (subset) {
      const rule = this.snapshot.destinationRules.find((dr) => resolveServiceHost(dr.spec.host, dr.metadata.namespace, this.snapshot.services) === service);
      const found = rule?.spec.subsets?.find((s) => s.name === subset);
      if (!found) return { kind: 'failure', status: 503, flag: 'NC', reason: `no DestinationRule defines subset "${subset}" of ${host}` };
      subsetLabels = found.labels ?? {};
    }
    const pods = new Map(this.snapshot.pods.filter((p) => p.metadata?.namespace === service.metadata?.namespace).map((p) => [p.metadata!.name!, p]));
    const endpoints = serviceEndpoints(service, [...pods.values()])
      .filter((e) => e.ready && e.servicePort === servicePort)
      .map((e) => ({ ...e, podObject: pods.get(e.pod)! }))
      .filter((e) => Object.entries(subsetLabels).every(([k, v]) => e.podObject.metadata?.labels?.[k] === v));
    const retries = route.retries
      ? {
          attempts: route.retries.attempts ?? DEFAULT_RETRIES.attempts,
          perTryTimeoutMs: parseDuration(route.retries.perTryTimeout),
          retryOn: route.retries.retryOn ? new Set(route.retries.retryOn.split(',').map((s) => s.trim())) : DEFAULT_RETRIES.retryOn,
        }
      : DEFAULT_RETRIES;
    return {
      kind: 'route',
      virtualService: where,
      routeName: route.name ?? String(index),
      service,
      subset,
      servicePort,
      endpoints,
      timeoutMs: parseDuration(route.timeout),
      retries,
      fault: route.fault,
    };
  }
}
