import { LocalProcess, type HealthCheck, type LocalProcessOptions } from './local-process.ts';

/**
 * What every component class shares: one local process, started and then waited on until its
 * health check passes (or it exits, or time runs out), and stopped with SIGTERM then SIGKILL.
 * Subclasses own their typed options and their flags builder.
 */
export abstract class ComponentProcess {
  readonly process: LocalProcess;

  constructor(options: LocalProcessOptions) {
    this.process = new LocalProcess(options);
  }

  protected async startHealthy(check: HealthCheck, timeoutMs: number, what: string): Promise<void> {
    await this.process.start();
    await this.process.waitHealthy(check, timeoutMs, what);
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
