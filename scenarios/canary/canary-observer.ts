import { isDeepStrictEqual } from 'node:util';
import { KubeApiError, type KubeClient, type KubeObject } from '../../clusters/kube/index.ts';
import { APP } from './canary-app.ts';

export interface CanaryStatus {
  readonly phase?: string;
  readonly canaryWeight?: number;
  readonly failedChecks?: number;
  readonly trackedConfigs?: Readonly<Record<string, string>>;
}

/** One poll of what Flagger controls. */
export interface CanarySnapshot {
  readonly at: number;
  readonly status: CanaryStatus;
  /** Route weights of the VirtualService Flagger writes, by destination host. */
  readonly routes: Readonly<Record<string, number>>;
}

interface Route { destination: { host: string }; weight?: number }

/**
 * Undefined for an object that does not exist (yet); any other failure (the API server away) throws,
 * so that a poll that could not look records nothing rather than "no routes" or "no canary".
 */
const absent = (err: unknown): undefined => {
  if (err instanceof KubeApiError && err.status === 404) return undefined;
  throw err;
};

async function routes(kube: KubeClient, namespace: string): Promise<Record<string, number>> {
  const vs = await kube.get<KubeObject & { spec?: { http?: Array<{ route?: Route[] }> } }>({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', namespace, name: APP }).catch(absent);
  return Object.fromEntries((vs?.spec?.http?.[0]?.route ?? []).map((r) => [r.destination.host, r.weight ?? 0]));
}

const PROMQL = {
  successRate: (ns: string) =>
    `sum by (destination_workload) (rate(istio_requests_total{reporter="destination",destination_workload_namespace="${ns}",response_code!~"5.*"}[10s])) / sum by (destination_workload) (rate(istio_requests_total{reporter="destination",destination_workload_namespace="${ns}"}[10s])) * 100`,
  p99: (ns: string) =>
    `histogram_quantile(0.99, sum by (destination_workload, le) (rate(istio_request_duration_milliseconds_bucket{reporter="destination",destination_workload_namespace="${ns}"}[10s])))`,
};

async function promVector(prometheusUrl: string, query: string): Promise<Array<{ labels: Record<string, string>; value: number }>> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`, { signal: AbortSignal.timeout(2000) });
  const body = (await res.json()) as { data?: { result?: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  return (body.data?.result ?? []).map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
}

/**
 * Polls the Canary, its VirtualService and the primary Deployment while a scenario runs, keeping
 * every snapshot for the checks and putting the chart series on the timeline.
 */
const POLL_MS = 500;
/** Polls further apart than this could not look in between. */
const POLL_GAP_MS = 4 * POLL_MS;

export class CanaryObserver {
  readonly snapshots: CanarySnapshot[] = [];
  /** Each distinct pod template the primary Deployment had, in order. */
  readonly primaryTemplates: unknown[] = [];
  private timer: NodeJS.Timeout | undefined;
  private polls = 0;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly kube: KubeClient,
    private readonly namespace: string,
    private readonly prometheusUrl: string,
    private readonly sample: (series: string, value: number, labels?: Record<string, string>) => void,
    private readonly onPhase: (phase: string) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.poll()).catch(() => {});
    }, POLL_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  get latest(): CanarySnapshot | undefined {
    return this.snapshots.at(-1);
  }

  private async poll(): Promise<void> {
    const [canary, route, primary] = await Promise.all([
      this.kube.get<KubeObject & { status?: CanaryStatus }>({ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', namespace: this.namespace, name: APP }).catch(absent),
      routes(this.kube, this.namespace),
      this.kube.get<KubeObject & { spec?: { template?: unknown } }>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: this.namespace, name: `${APP}-primary` }).catch(absent),
    ]);
    const status = canary?.status ?? {};
    if (status.phase && status.phase !== this.latest?.status.phase) this.onPhase(status.phase);
    this.snapshots.push({ at: Date.now(), status, routes: route });
    const template = primary?.spec?.template;
    if (template && !isDeepStrictEqual(template, this.primaryTemplates.at(-1))) this.primaryTemplates.push(template);
    if (route[`${APP}-canary`] !== undefined) this.sample('canary weight', route[`${APP}-canary`]!);
    // Prometheus moves every scrape (2 s); four polls apart is often enough.
    if (this.polls++ % 4 === 0) {
      const [rates, p99s] = await Promise.all([promVector(this.prometheusUrl, PROMQL.successRate(this.namespace)), promVector(this.prometheusUrl, PROMQL.p99(this.namespace))]);
      for (const r of rates) if (Number.isFinite(r.value)) this.sample('success rate %', r.value, { workload: r.labels.destination_workload ?? '' });
      for (const r of p99s) if (Number.isFinite(r.value)) this.sample('p99 ms', r.value, { workload: r.labels.destination_workload ?? '' });
    }
  }

  /** The highest canary weight any poll saw in the VirtualService. */
  maxCanaryWeight(): number {
    return Math.max(0, ...this.snapshots.map((s) => s.routes[`${APP}-canary`] ?? 0));
  }

  /**
   * The share of traffic the canary had, averaged over [from, to] (step-wise between polls): how
   * much of the load a faulty canary could have hurt. Across a gap in the polls (the API server
   * away) the weight is unknown, so the higher of its two ends counts: a gap never shrinks the budget.
   */
  meanCanaryShare(from: number, to: number): number {
    let weighted = 0;
    const polls = this.snapshots.filter((s) => s.at <= to);
    const weight = (s: CanarySnapshot | undefined) => (s?.routes[`${APP}-canary`] ?? 0) / 100;
    for (let i = 0; i < polls.length; i++) {
      const start = Math.max(from, polls[i]!.at);
      const end = Math.min(to, polls[i + 1]?.at ?? to);
      const gap = polls[i + 1] !== undefined && polls[i + 1]!.at - polls[i]!.at > POLL_GAP_MS;
      if (end > start) weighted += (gap ? Math.max(weight(polls[i]), weight(polls[i + 1])) : weight(polls[i])) * (end - start);
    }
    return to > from ? weighted / (to - from) : 0;
  }
}
