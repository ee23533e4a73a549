import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { constants } from 'node:os';
import type { V1Container, V1ContainerState } from '@kubernetes/client-node';
import { terminate } from '../../process/index.ts';
import { ProbeWorker, type ProbeTarget } from './probes.ts';

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

export interface ContainerRunnerOptions {
  readonly container: V1Container;
  readonly argv: readonly string[];
  /** The whole environment of the process; nothing else is inherited. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly logFile: string;
  readonly podIP: string;
  readonly restartPolicy: RestartPolicy;
  readonly terminationGraceMs: number;
  /** Called whenever anything shown in the container's status changed. */
  readonly onChange: () => void;
  readonly onEvent: (type: 'Normal' | 'Warning', reason: string, message: string) => void;
}

const BACKOFF_START_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;
const now = () => new Date();

/** One container of a pod as a local process, across its restarts: probes, backoff, graceful stop. */
export class ContainerRunner {
  state: V1ContainerState = { waiting: { reason: 'ContainerCreating' } };
  lastState: V1ContainerState = {};
  restartCount = 0;
  ready = false;
  started = false;
  #child: ChildProcess | undefined;
  #probes: ProbeWorker[] = [];
  #stopping = false;
  #killedBy: string | undefined;
  #backoff: NodeJS.Timeout | undefined;
  #exited: Promise<void> = Promise.resolve();

  constructor(readonly options: ContainerRunnerOptions) {}

  get name(): string {
    return this.options.container.name;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(): void {
    if (this.#stopping) return;
    const { argv, env, cwd, logFile, container } = this.options;
    const fd = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', fd, fd], env: { ...env }, cwd });
    } finally {
      closeSync(fd);
    }
    this.#child = child;
    const startedAt = now();
    this.#killedBy = undefined;
    let resolveExit!: () => void;
    this.#exited = new Promise((r) => (resolveExit = r));
    child.once('error', (err) => {
      this.state = { waiting: { reason: 'CreateContainerError', message: `cannot run ${argv[0]}: ${err.message}` } };
      this.options.onEvent('Warning', 'Failed', `Error: cannot run ${argv[0]}: ${err.message}`);
      this.options.onChange();
      resolveExit();
    });
    child.once('spawn', () => {
      this.state = { running: { startedAt } };
      this.options.onEvent('Normal', 'Started', `Started container ${container.name}`);
      this.#startProbes();
      this.options.onChange();
    });
    child.once('exit', (code, signal) => {
      const exitCode = code ?? 128 + (signal ? (constants.signals[signal] ?? 9) : 9);
      this.#stopProbes();
      this.ready = false;
      this.started = false;
      this.state = {
        terminated: {
          exitCode,
          ...(signal ? { signal: constants.signals[signal] } : {}),
          reason: exitCode === 0 ? 'Completed' : 'Error',
          ...(this.#killedBy ? { message: this.#killedBy } : {}),
          startedAt,
          finishedAt: now(),
        },
      };
      resolveExit();
      this.#afterExit(exitCode);
      this.options.onChange();
    });
  }

  #afterExit(exitCode: number): void {
    const { restartPolicy } = this.options;
    if (this.#stopping) return;
    if (restartPolicy === 'Never' || (restartPolicy === 'OnFailure' && exitCode === 0)) return;
    const delay = this.restartCount === 0 ? 0 : Math.min(BACKOFF_START_MS * 2 ** (this.restartCount - 1), BACKOFF_MAX_MS);
    const terminated = this.state;
    if (delay > 0) {
      this.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${delay / 1000}s restarting failed container=${this.name}` } };
      this.options.onEvent('Warning', 'BackOff', 'Back-off restarting failed container');
    }
    this.lastState = terminated;
    this.#backoff = setTimeout(() => {
      this.restartCount++;
      this.start();
    }, delay);
  }

  #startProbes(): void {
    const { container, podIP, env, cwd } = this.options;
    const target: ProbeTarget = { podIP, ports: container.ports ?? [], env, cwd };
    const startRunning = () => {
      this.started = true;
      if (container.readinessProbe) {
        this.#addProbe(new ProbeWorker(container.readinessProbe, target, (ok, message) => {
          this.ready = ok;
          if (!ok) this.options.onEvent('Warning', 'Unhealthy', `Readiness probe failed: ${message}`);
          this.options.onChange();
        }));
      } else {
        this.ready = true;
      }
      if (container.livenessProbe) {
        this.#addProbe(new ProbeWorker(container.livenessProbe, target, (ok, message) => {
          if (ok) return;
          this.options.onEvent('Warning', 'Unhealthy', `Liveness probe failed: ${message}`);
          this.#restart(`Container ${this.name} failed liveness probe, will be restarted`);
        }));
      }
      this.options.onChange();
    };
    if (!container.startupProbe) return startRunning();
    this.#addProbe(new ProbeWorker(container.startupProbe, target, (ok, message) => {
      if (ok) return startRunning();
      this.options.onEvent('Warning', 'Unhealthy', `Startup probe failed: ${message}`);
      this.#restart(`Container ${this.name} failed startup probe, will be restarted`);
    }));
  }

  #addProbe(worker: ProbeWorker): void {
    this.#probes.push(worker);
    worker.start();
  }

  #stopProbes(): void {
    for (const p of this.#probes) p.stop();
    this.#probes = [];
  }

  #restart(reason: string): void {
    this.#killedBy = reason;
    this.options.onEvent('Normal', 'Killing', reason);
    const pid = this.#child?.pid;
    this.#stopProbes();
    if (pid) void terminate(pid, this.options.terminationGraceMs);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; no restart follows. */
  async stop(graceMs = this.options.terminationGraceMs): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#backoff);
    this.#stopProbes();
    const child = this.#child;
    // Not `state.running`: a process whose spawn event is still to come runs all the same, and
    // left alone it would outlive its pod at an address the next pod is given.
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      this.options.onEvent('Normal', 'Killing', `Stopping container ${this.name}`);
      await terminate(child.pid, graceMs);
      await this.#exited;
    }
  }
}
