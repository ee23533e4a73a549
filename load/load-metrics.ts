import { Counter, Histogram, Registry } from 'prom-client';
import { isFailure } from './load-run.ts';
import type { LoadResult } from './vegeta-attack.ts';

/** Up to the 10 s request timeout. */
const BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000];

/**
 * The client's view of a load as Prometheus series: what users saw, beside what the mesh saw.
 * vegeta exposes no lasting metrics of its own (its endpoint dies with each stage), so the harness
 * counts vegeta's streamed results.
 */
export class LoadMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'testbed_load_requests_total',
    help: 'Requests the load generator sent, by load name and response code (0: transport error)',
    labelNames: ['load', 'code', 'failed'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'testbed_load_request_duration_milliseconds',
    help: 'Latency the load generator saw, by load name',
    labelNames: ['load'] as const,
    buckets: BUCKETS_MS,
    registers: [this.registry],
  });

  observe(load: string, result: LoadResult): void {
    this.requests.inc({ load, code: String(result.code), failed: String(isFailure(result.code)) });
    this.duration.observe({ load }, result.latencyMs);
  }
}
