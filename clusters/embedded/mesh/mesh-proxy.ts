import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { IstioMetrics } from './istio-metrics.ts';
import { parseDuration } from './istio-resources.ts';
import type { Partitions } from './partitions.ts';
import type { ResolvedEndpoint, RouteDecision, RouteRequest, RoutingFailure } from './virtual-service-router.ts';
import { workloadOf, type WorkloadIdentity } from './workload-identity.ts';

export interface MeshProxyOptions {
  readonly address: string;
  readonly port: number;
  /** Who sent a request, in Istio's metrics: the ingress gateway, or the pod behind a client address. */
  readonly source: (remoteAddress: string | undefined) => WorkloadIdentity;
  /** Routes with the mesh's current configuration. */
  readonly route: (req: RouteRequest) => RouteDecision | RoutingFailure;
  readonly metrics: IstioMetrics;
  /** Services cut off by a fault: no healthy upstream until it heals. */
  readonly partitions: Partitions;
  readonly log: (message: string) => void;
  readonly random?: () => number;
}

/** The ingress gateway's own identity in metrics, as Istio's default install names it. */
export const GATEWAY_WORKLOAD: WorkloadIdentity = {
  workload: 'istio-ingressgateway',
  namespace: 'istio-system',
  app: 'istio-ingressgateway',
  version: 'unknown',
  canonicalService: 'istio-ingressgateway',
  canonicalRevision: 'latest',
};

interface UpstreamResult {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

class UpstreamFailure extends Error {
  constructor(readonly flag: 'UF' | 'UT', message: string) {
    super(message);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

function retriable(status: number, retryOn: ReadonlySet<string>): boolean {
  if (retryOn.has(String(status))) return true;
  if (retryOn.has('5xx') && status >= 500) return true;
  if (retryOn.has('gateway-error') && [502, 503, 504].includes(status)) return true;
  return (retryOn.has('retriable-status-codes') || retryOn.has('unavailable')) && status === 503;
}

/**
 * The Envoy stand-in, at the ingress gateway and at each Service's address: routes each request
 * through the VirtualService router, applies fault injection, retries and timeouts, balances
 * round-robin over ready endpoints, and reports Istio's standard metrics. Failures carry Envoy's
 * response flag in `x-testbed-response-flags`.
 */
export class MeshProxy {
  #server: Server | undefined;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 256 });
  readonly #next = new Map<string, number>();

  constructor(private readonly options: MeshProxyOptions) {}

  listen(): Promise<void> {
    this.#server = createServer((req, res) =>
      this.#handle(req, res).catch((err: Error) => {
        this.options.log(`${req.method} ${req.headers.host}${req.url}: gateway error: ${err.message}`);
        if (!res.headersSent) res.writeHead(500).end();
      }),
    );
    this.#server.keepAliveTimeout = 30_000;
    return new Promise((resolve, reject) => {
      this.#server!.once('error', reject);
      this.#server!.listen(this.options.port, this.options.address, resolve);
    });
  }

  async close(): Promise<void> {
    this.#agent.destroy();
    this.#server?.closeAllConnections();
    await new Promise((r) => (this.#server ? this.#server.close(r) : r(undefined)));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = req.url ?? '/';
    const decision = this.options.route({ authority: req.headers.host ?? '', path: url.split('?')[0]!, method: req.method ?? 'GET', headers: req.headers });
    const random = this.options.random ?? Math.random;
    const finish = (status: number, flag: string, destination: WorkloadIdentity | undefined, service: string, upstream?: UpstreamResult, reason?: string) => {
      if (upstream) {
        const headers = Object.fromEntries(Object.entries(upstream.headers).filter(([k]) => !HOP_BY_HOP.has(k)));
        res.writeHead(status, headers).end(upstream.body);
      } else {
        res.writeHead(status, { 'content-type': 'application/json', 'x-testbed-response-flags': flag }).end(`${JSON.stringify({ error: reason, responseFlags: flag })}\n`);
        this.options.log(`${req.method} ${req.headers.host}${url} → ${status} ${flag}: ${reason}`);
      }
      this.options.metrics.record({ source: this.options.source(req.socket.remoteAddress), destination, destinationService: service, responseCode: status, responseFlags: flag, durationMs: performance.now() - started });
    };
    if (decision.kind === 'failure') return finish(decision.status, decision.flag, undefined, 'unknown', undefined, decision.reason);
    const service = `${decision.service.metadata!.name}.${decision.service.metadata!.namespace}.svc.cluster.local`;
    const { fault } = decision;
    let flags = '';
    if (fault?.delay && random() * 100 < (fault.delay.percentage?.value ?? 100)) {
      await sleep(parseDuration(fault.delay.fixedDelay) ?? 0);
      flags = 'DI';
    }
    if (fault?.abort && random() * 100 < (fault.abort.percentage?.value ?? 100)) {
      return finish(fault.abort.httpStatus ?? 503, 'FI', undefined, service, undefined, `fault injected by ${decision.virtualService}`);
    }
    const partitioned = this.options.partitions.remaining(decision.service);
    if (!decision.endpoints.length || partitioned !== undefined) {
      const why = partitioned === undefined ? '' : ` (partitioned by a fault, for ${partitioned.toFixed(1)} s more)`;
      return finish(503, 'UH', undefined, service, undefined, `no healthy upstream for ${service}${decision.subset ? ` subset ${decision.subset}` : ''}${why}`);
    }
    const deadline = decision.timeoutMs === undefined ? undefined : started + decision.timeoutMs;
    let last: { endpoint: ResolvedEndpoint; result?: UpstreamResult; failure?: UpstreamFailure } | undefined;
    for (let attempt = 0; attempt <= decision.retries.attempts; attempt++) {
      const endpoint = this.#pick(decision);
      const remaining = deadline === undefined ? undefined : deadline - performance.now();
      const tryTimeout = Math.min(decision.retries.perTryTimeoutMs ?? Infinity, remaining ?? Infinity);
      try {
        const result = await this.#forward(req, url, body, endpoint, Number.isFinite(tryTimeout) ? tryTimeout : undefined);
        last = { endpoint, result };
        if (!retriable(result.status, decision.retries.retryOn)) break;
      } catch (err) {
        last = { endpoint, failure: err as UpstreamFailure };
        if (!decision.retries.retryOn.has('connect-failure') && (err as UpstreamFailure).flag === 'UF') break;
      }
      if (deadline !== undefined && performance.now() >= deadline) break;
    }
    const destination = workloadOf(last!.endpoint.podObject);
    if (last!.result) return finish(last!.result.status, flags, destination, service, last!.result);
    const failure = last!.failure!;
    finish(failure.flag === 'UT' ? 504 : 503, failure.flag, destination, service, undefined, failure.message);
  }

  #pick(decision: RouteDecision): ResolvedEndpoint {
    const key = `${decision.service.metadata!.namespace}/${decision.service.metadata!.name}/${decision.subset ?? ''}`;
    const n = this.#next.get(key) ?? 0;
    this.#next.set(key, n + 1);
    return decision.endpoints[n % decision.endpoints.length]!;
  }

  #forward(req: IncomingMessage, url: string, body: Buffer, endpoint: ResolvedEndpoint, timeoutMs: number | undefined): Promise<UpstreamResult> {
    return new Promise((resolve, reject) => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !HOP_BY_HOP.has(k)));
      const upstream = request(
        { host: endpoint.ip, port: endpoint.targetPort, method: req.method, path: url, headers: { ...headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' }, agent: this.#agent },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(parts) }));
          res.on('error', (err) => reject(new UpstreamFailure('UF', err.message)));
        },
      );
      if (timeoutMs !== undefined) {
        upstream.setTimeout(Math.max(1, timeoutMs), () => upstream.destroy(new UpstreamFailure('UT', `upstream ${endpoint.ip}:${endpoint.targetPort} timed out after ${Math.round(timeoutMs)} ms`)));
      }
      upstream.on('error', (err) => reject(err instanceof UpstreamFailure ? err : new UpstreamFailure('UF', `upstream ${endpoint.ip}:${endpoint.targetPort}: ${err.message}`)));
      upstream.end(body);
    });
  }
}
