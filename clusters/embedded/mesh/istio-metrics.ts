import { Counter, Histogram, Registry } from 'prom-client';
import type { WorkloadIdentity } from './workload-identity.ts';

/** Istio's standard request labels, with Istio's names and meanings. */
export const ISTIO_LABELS = [
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'source_principal',
  'source_app',
  'source_version',
  'source_canonical_service',
  'source_canonical_revision',
  'source_cluster',
  'destination_workload',
  'destination_workload_namespace',
  'destination_principal',
  'destination_app',
  'destination_version',
  'destination_service',
  'destination_service_name',
  'destination_service_namespace',
  'destination_canonical_service',
  'destination_canonical_revision',
  'destination_cluster',
  'request_protocol',
  'response_code',
  'grpc_response_status',
  'response_flags',
  'connection_security_policy',
] as const;

/** Istio's default buckets for istio_request_duration_milliseconds. */
export const ISTIO_DURATION_BUCKETS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

type Labels = Record<(typeof ISTIO_LABELS)[number], string>;

/** What one proxied request was: who sent it, where it went, how it ended. */
export interface RequestRecord {
  readonly source: WorkloadIdentity;
  /** Undefined when no endpoint was chosen (no route, no healthy upstream). */
  readonly destination: WorkloadIdentity | undefined;
  /** `name.namespace.svc.cluster.local`, or `unknown`. */
  readonly destinationService: string;
  readonly responseCode: number;
  readonly responseFlags: string;
  readonly durationMs: number;
}

/**
 * istio_requests_total and istio_request_duration_milliseconds, reported twice per request as a
 * sidecar pair would: once by the source proxy (here, the ingress gateway) and once for the
 * destination workload, which is the series Flagger's built-in queries read.
 */
export class IstioMetrics {
  readonly registry = new Registry();
  readonly #requests = new Counter({ name: 'istio_requests_total', help: 'Requests, as Istio reports them.', labelNames: ISTIO_LABELS, registers: [this.registry] });
  readonly #duration = new Histogram({
    name: 'istio_request_duration_milliseconds',
    help: 'Request duration in milliseconds, as Istio reports it.',
    labelNames: ISTIO_LABELS,
    buckets: ISTIO_DURATION_BUCKETS,
    registers: [this.registry],
  });

  record(r: RequestRecord): void {
    const [serviceName = 'unknown', serviceNamespace = 'unknown'] = r.destinationService.split('.');
    const d = r.destination;
    const base: Omit<Labels, 'reporter'> = {
      source_workload: r.source.workload,
      source_workload_namespace: r.source.namespace,
      source_principal: 'unknown',
      source_app: r.source.app,
      source_version: r.source.version,
      source_canonical_service: r.source.canonicalService,
      source_canonical_revision: r.source.canonicalRevision,
      source_cluster: 'Kubernetes',
      destination_workload: d?.workload ?? 'unknown',
      destination_workload_namespace: d?.namespace ?? 'unknown',
      destination_principal: 'unknown',
      destination_app: d?.app ?? 'unknown',
      destination_version: d?.version ?? 'unknown',
      destination_service: r.destinationService,
      destination_service_name: serviceName,
      destination_service_namespace: serviceNamespace,
      destination_canonical_service: d?.canonicalService ?? 'unknown',
      destination_canonical_revision: d?.canonicalRevision ?? 'latest',
      destination_cluster: 'Kubernetes',
      request_protocol: 'http',
      response_code: String(r.responseCode),
      grpc_response_status: '',
      response_flags: r.responseFlags || '-',
      connection_security_policy: 'unknown',
    };
    const reporters: Array<Labels['reporter']> = d ? ['source', 'destination'] : ['source'];
    for (const reporter of reporters) {
      const labels = { ...base, reporter };
      this.#requests.inc(labels);
      this.#duration.observe(labels, r.durationMs);
    }
  }
}
