import { ComponentProcess } from '../process/index.ts';
import { controllerServingFlags, type ControllerServingOptions } from './controller-serving.ts';
import { answersOk, type TlsClient } from './tls-get.ts';

export interface KubeSchedulerOptions extends ControllerServingOptions {
  readonly binary: string;
  readonly logFile: string;
  readonly owner: string;
}

export function kubeSchedulerFlags(o: KubeSchedulerOptions): string[] {
  return controllerServingFlags(o);
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
