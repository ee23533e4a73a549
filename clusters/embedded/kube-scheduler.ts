import { ComponentProcess } from '../process/index.ts';
import { answersOk, type TlsClient } from './tls-get.ts';

export interface KubeSchedulerOptions {
  readonly binary: string;
  readonly kubeconfig: string;
  readonly securePort: number;
  readonly servingCertFile: string;
  readonly servingKeyFile: string;
  readonly logFile: string;
  readonly owner: string;
}

export function kubeSchedulerFlags(o: KubeSchedulerOptions): string[] {
  return [
    `--kubeconfig=${o.kubeconfig}`,
    `--authentication-kubeconfig=${o.kubeconfig}`,
    `--authorization-kubeconfig=${o.kubeconfig}`,
    '--leader-elect=false',
    '--bind-address=127.0.0.1',
    `--secure-port=${o.securePort}`,
    `--tls-cert-file=${o.servingCertFile}`,
    `--tls-private-key-file=${o.servingKeyFile}`,
    '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
    '--profiling=false',
    '--v=1',
  ];
}

export class KubeScheduler extends ComponentProcess {
  constructor(readonly options: KubeSchedulerOptions) {
    super({
      name: 'kube-scheduler',
      command: options.binary,
      args: kubeSchedulerFlags(options),
      logFile: options.logFile,
      owner: options.owner,
    });
  }

  async start(tls: TlsClient, timeoutMs = 60_000): Promise<void> {
    await this.startHealthy(answersOk(`https://127.0.0.1:${this.options.securePort}/healthz`, tls), timeoutMs, 'healthy on /healthz');
  }
}
