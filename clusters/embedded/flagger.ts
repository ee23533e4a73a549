import { ComponentProcess } from '../process/index.ts';

export interface FlaggerOptions {
  readonly binary: string;
  /** Serves /metrics and /healthz on 127.0.0.1 (the build patches Flagger's all-interfaces listener). */
  readonly port: number;
  /** Flagger's own ServiceAccount identity, bound by upstream's RBAC. */
  readonly kubeconfig: string;
  readonly prometheusUrl: string;
  readonly logFile: string;
  readonly owner: string;
}

/** New Canaries are picked up this often; each Canary's analysis then ticks at its own interval. */
export const CONTROL_LOOP_INTERVAL = '2s';

export function flaggerFlags(o: FlaggerOptions): string[] {
  return [
    `-kubeconfig=${o.kubeconfig}`,
    '-mesh-provider=istio',
    `-metrics-server=${o.prometheusUrl}`,
    `-port=${o.port}`,
    `-control-loop-interval=${CONTROL_LOOP_INTERVAL}`,
    '-log-level=info',
    '-zap-encoding=console',
  ];
}

export class Flagger extends ComponentProcess {
  constructor(readonly options: FlaggerOptions) {
    super({ name: 'flagger', command: options.binary, args: flaggerFlags(options), logFile: options.logFile, owner: options.owner });
  }

  get metricsAddress(): string {
    return `127.0.0.1:${this.options.port}`;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    await this.startHealthy(async () => (await fetch(`http://${this.metricsAddress}/healthz`, { signal: AbortSignal.timeout(1000) })).ok, timeoutMs, 'healthy on /healthz');
  }
}
