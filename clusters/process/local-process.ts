import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { poll, PollTimeoutError } from '../poll.ts';
import { OWNER_ENV, isAlive, terminate } from './process-tree.ts';

export interface LocalProcessOptions {
  /** Name used in messages, e.g. `kube-apiserver`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** File that receives stdout and stderr (appended). */
  readonly logFile: string;
  /** Owner marker written into the environment so a later run can reap the process. */
  readonly owner: string;
  /** Extra environment; the harness's own environment is inherited. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Time between SIGTERM and SIGKILL on stop. Default 10 s. */
  readonly stopGraceMs?: number;
}

/** Health check polled by {@link LocalProcess.waitHealthy}; resolves true once healthy. */
export type HealthCheck = () => Promise<boolean>;

export class ProcessError extends Error {
  constructor(
    message: string,
    readonly logFile: string,
  ) {
    super(message);
    this.name = 'ProcessError';
  }
}

/** Last lines of a log, for error messages. */
export async function logTail(logFile: string, lines = 15): Promise<string> {
  try {
    return (await readFile(logFile, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * One local process: started detached in its own process group (so it can outlive the command
 * that started it, as a cluster started by `up` must), with its output in a log file.
 * `start()` and `stop()` are safe to call twice.
 */
export class LocalProcess {
  #child: ChildProcess | undefined;
  #exit: Promise<number | null> | undefined;
  #exited = false;
  pid: number | undefined;

  constructor(readonly options: LocalProcessOptions) {}

  async start(): Promise<void> {
    if (this.#child) return;
    const { command, args, logFile, owner, env, cwd, name } = this.options;
    const fd = openSync(logFile, 'a');
    try {
      const child = spawn(command, [...args], {
        detached: true,
        stdio: ['ignore', fd, fd],
        env: { ...process.env, ...env, [OWNER_ENV]: owner },
        ...(cwd ? { cwd } : {}),
      });
      this.#exit = new Promise((resolve) => {
        child.once('exit', (code) => {
          this.#exited = true;
          resolve(code);
        });
        child.once('error', () => {
          this.#exited = true;
          resolve(null);
        });
      });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', (err) => reject(new ProcessError(`${name}: cannot start ${command}: ${err.message}`, logFile)));
      });
      child.unref();
      this.#child = child;
      this.pid = child.pid;
    } finally {
      closeSync(fd);
    }
  }

  get running(): boolean {
    return this.#child !== undefined && !this.#exited;
  }

  /** Polls `check` until it passes; fails early if the process exits, or after `timeoutMs`. */
  async waitHealthy(check: HealthCheck, timeoutMs: number, what = 'healthy'): Promise<void> {
    const { name, logFile } = this.options;
    let exited = false;
    void this.#exit?.then(() => (exited = true));
    const failure = async (how: string) => new ProcessError(`${name} ${how}; log: ${logFile}\n${await logTail(logFile)}`, logFile);
    try {
      await poll({
        what: `${name} to be ${what}`,
        probe: check,
        timeoutMs,
        intervalMs: 100,
        failEarly: async () => (exited ? failure(`exited before it was ${what}`) : undefined),
      });
    } catch (err) {
      throw err instanceof PollTimeoutError ? await failure(`was not ${what} within ${timeoutMs / 1000} s`) : err;
    }
  }

  async stop(): Promise<void> {
    if (this.pid === undefined || !(await isAlive(this.pid))) return;
    await terminate(this.pid, this.options.stopGraceMs ?? 10_000);
  }
}
