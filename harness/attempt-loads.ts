import type { ClusterConnection } from '../clusters/provider.ts';
import { isFailure, percentile, runLoad, type LoadResult } from '../load/index.ts';
import type { LoadMetricsTarget } from './load-metrics-target.ts';
import type { LoadRequest, LoadWindow, RunningLoad } from './scenario.ts';

/** What loads need: the vegeta binary, and where raw results go. */
export interface LoadTools {
  readonly vegeta: string;
  readonly resultsDir: string;
}

/** What one attempt's loads report on its timeline. */
export interface LoadReporting {
  sample(series: string, value: number, labels: Readonly<Record<string, string>>): void;
  note(message: string, data?: Record<string, unknown>): void;
}

/** What clients of one load saw from now on: the results arriving after this call. */
function windowOver(results: readonly LoadResult[]): LoadWindow {
  const from = results.length;
  return {
    read() {
      const seen = results.slice(from);
      const failuresByStatus: Record<string, number> = {};
      for (const r of seen) if (isFailure(r.code)) failuresByStatus[r.code] = (failuresByStatus[r.code] ?? 0) + 1;
      const latencies = seen.map((r) => r.latencyMs).sort((a, b) => a - b);
      return { requests: seen.length, failures: Object.values(failuresByStatus).reduce((a, b) => a + b, 0), failuresByStatus, p99Ms: percentile(latencies, 0.99) };
    },
  };
}

/** The loads of one attempt: vegeta through the gateway, each stopped with the attempt at the latest. */
export class AttemptLoads {
  readonly #running = new Set<RunningLoad>();

  constructor(
    /** Names the attempt's loads apart from every other attempt's (its namespace). */
    private readonly prefix: string,
    private readonly cluster: ClusterConnection,
    private readonly tools: LoadTools | undefined,
    private readonly target: LoadMetricsTarget,
    private readonly report: LoadReporting,
  ) {}

  start({ name, host, path = '/', profile }: LoadRequest, scenario: string): RunningLoad {
    const tools = this.tools;
    if (!tools) throw new Error(`scenario ${scenario} starts a load but does not list vegeta in its needs`);
    const abort = new AbortController();
    const loadName = `${this.prefix}-${name}`;
    let seen = { requests: 0, failures: 0 };
    const results: LoadResult[] = [];
    this.report.note(`load ${name} starts: ${JSON.stringify(profile)} to Host ${host}${path}`);
    const done = this.target.ensure().then(() =>
      runLoad({
        vegeta: tools.vegeta,
        name: loadName,
        target: { url: `${this.cluster.gatewayUrl}${path}`, host },
        profile,
        workDir: tools.resultsDir,
        env: this.cluster.processEnv,
        signal: abort.signal,
        onResult: (r) => {
          results.push(r);
          this.target.metrics.observe(loadName, r);
        },
        onProgress: (p) => {
          this.report.sample('load rps', p.requests - seen.requests, { load: name });
          this.report.sample('load errors', p.failures - seen.failures, { load: name });
          seen = { requests: p.requests, failures: p.failures };
        },
      }),
    );
    const running: RunningLoad = {
      done,
      stop: () => {
        abort.abort();
        return done;
      },
      window: () => windowOver(results),
    };
    this.#running.add(running);
    done.then(
      (s) => this.report.note(`load ${name} ended: ${s.requests} requests, ${s.failures} failed, p99 ${s.latencyMs.p99.toFixed(1)} ms`, { failuresByStatus: s.failuresByStatus }),
      () => {},
    );
    return running;
  }

  async stopAll(): Promise<void> {
    for (const load of this.#running) await load.stop().catch(() => {});
  }
}
