import { LoadMetrics } from '../load/index.ts';
import { MetricsEndpoint } from './metrics-endpoint.ts';

/** The harness's metrics endpoint, started with the first load of a run and kept until its end; every attempt's loads count into it. */
export class LoadMetricsTarget {
  readonly metrics = new LoadMetrics();
  private endpoint: Promise<MetricsEndpoint> | undefined;
  constructor(private readonly scrapeTargetsDir: string | undefined) {}
  /** Serves the load metrics where the provider's Prometheus can scrape them; a no-op where it cannot. */
  async ensure(): Promise<void> {
    if (this.scrapeTargetsDir) await (this.endpoint ??= MetricsEndpoint.start(this.metrics.registry, this.scrapeTargetsDir, 'testbed-load'));
  }
  async stop(): Promise<void> {
    // An endpoint that never started has cleaned up after itself.
    await (await this.endpoint?.catch(() => undefined))?.stop();
  }
}
