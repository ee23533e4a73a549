import { RELOADER_LISTEN_ENV } from '../components/index.ts';
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

export class Reloader extends ComponentProcess {
  constructor(readonly options: ReloaderOptions) {
    super({ name: 'reloader', command: options.binary, args: options.flags, env: reloaderEnv(options), logFile: options.logFile, owner: options.owner });
  }

  get metricsAddress(): string {
    return `127.0.0.1:${this.options.port}`;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    await this.startHealthy(async () => (await fetch(`http://${this.metricsAddress}/metrics`, { signal: AbortSignal.timeout(1000) })).ok, timeoutMs, 'serving /metrics');
  }
}
