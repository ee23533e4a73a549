import { RELOADER_LISTEN_ENV } from '../components/index.ts';
import { poll } from '../poll.ts';
import { ComponentProcess } from '../process/index.ts';

export interface ReloaderOptions {
  readonly binary: string;
  /** Where /metrics and /live are served: 127.0.0.1 and a free port (the build reads it from the environment). */
  readonly port: number;
  /** Reloader's own ServiceAccount identity, bound by upstream's ClusterRole. */
  readonly kubeconfig: string;
  /** Where Reloader keeps its meta-info ConfigMap: its ServiceAccount's namespace. */
  readonly namespace: string;
  /** Reloader's own flags, as a scenario chose them (`--reload-strategy=annotations`…). */
  readonly flags: readonly string[];
  readonly logFile: string;
  readonly owner: string;
}

/** Reloader reads its kubeconfig from the environment and has no flag for it. */
export function reloaderEnv(o: ReloaderOptions): Record<string, string> {
  return { KUBECONFIG: o.kubeconfig, RELOADER_NAMESPACE: o.namespace, RELOADER_DEPLOYMENT_NAME: 'reloader', [RELOADER_LISTEN_ENV]: `127.0.0.1:${o.port}` };
}

/**
 * Resolves once Reloader's work queue is empty: every ConfigMap and Secret event it had received is
 * handled. A burst of changes elsewhere (a load test's thousand updates of one ConfigMap) leaves
 * it a backlog to work through, behind which a scenario's change would wait past its bound.
 */
export async function reloaderIdle(metricsAddress: string, timeoutMs = 120_000): Promise<void> {
  await poll({
    what: `Reloader (${metricsAddress}) to empty its work queue (reloader_workqueue_depth 0)`,
    probe: async () => {
      const res = await fetch(`http://${metricsAddress}/metrics`, { signal: AbortSignal.timeout(1000) });
      return res.ok && /^reloader_workqueue_depth 0$/m.test(await res.text());
    },
    timeoutMs,
    intervalMs: 500,
  });
}

/** Every namespace holds its kube-root-ca.crt ConfigMap, so a listed cluster has counted at least one. */
const LISTED_CONFIGMAPS = /^reloader_events_received_total\{event_type="add",resource_type="configmaps"\} [1-9]/m;

export class Reloader extends ComponentProcess {
  constructor(readonly options: ReloaderOptions) {
    super({ name: 'reloader', command: options.binary, args: options.flags, env: reloaderEnv(options), logFile: options.logFile, owner: options.owner });
  }

  get metricsAddress(): string {
    return `127.0.0.1:${this.options.port}`;
  }

  /**
   * Healthy once its ConfigMap informer has listed: it counts each listed ConfigMap as an add
   * event. A change made before that arrives as the add of a ConfigMap it has never seen, which it
   * ignores (reload-on-create is off), so a change made too soon after a restart would be lost.
   */
  async start(timeoutMs = 60_000): Promise<void> {
    await this.startHealthy(
      async () => {
        const res = await fetch(`http://${this.metricsAddress}/metrics`, { signal: AbortSignal.timeout(1000) });
        return res.ok && LISTED_CONFIGMAPS.test(await res.text());
      },
      timeoutMs,
      'serving /metrics, with its ConfigMaps listed (reloader_events_received_total of configmaps adds)',
    );
  }
}
