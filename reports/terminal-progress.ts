import type { Progress, ProgressTask } from '../clusters/progress.ts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
/** How often a non-TTY stream (CI logs) gets a line for a still-running task. */
const NON_TTY_INTERVAL_MS = 15_000;

/**
 * Progress on a terminal: one live line per running task with elapsed time on a TTY; on other
 * streams (CI logs) a line when a task starts, every 15 s while it runs, and when it ends.
 */
export class TerminalProgress implements Progress {
  readonly #active = new Set<{ label: string; started: number; detail: string }>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly verbose = false,
  ) {}

  get #tty(): boolean {
    return Boolean(this.stream.isTTY);
  }

  #clearLine(): void {
    if (this.#tty) this.stream.write('\r\x1b[2K');
  }

  #render(): void {
    const now = Date.now();
    if (this.#tty) {
      const line = [...this.#active].map((t) => `${t.label} ${seconds(now - t.started)}${t.detail ? ` (${t.detail})` : ''}`).join(' | ');
      this.#clearLine();
      this.stream.write(`… ${line}`.slice(0, (this.stream.columns ?? 120) - 1));
    } else {
      for (const t of this.#active) this.stream.write(`… ${t.label}: ${seconds(now - t.started)}${t.detail ? ` (${t.detail})` : ''}\n`);
    }
  }

  #schedule(): void {
    if (this.#active.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    } else if (!this.#timer) {
      this.#timer = setInterval(() => this.#render(), this.#tty ? 200 : NON_TTY_INTERVAL_MS);
      this.#timer.unref();
    }
  }

  begin(label: string): ProgressTask {
    const task = { label, started: Date.now(), detail: '' };
    this.#active.add(task);
    if (!this.#tty) this.stream.write(`… ${label}\n`);
    this.#schedule();
    return {
      update: (detail) => {
        task.detail = detail;
      },
      end: (outcome, detail) => {
        if (!this.#active.delete(task)) return;
        this.#clearLine();
        const mark = outcome === 'done' ? '✓' : '✗';
        this.stream.write(`${mark} ${label} (${seconds(Date.now() - task.started)})${detail ? `: ${detail.split('\n')[0]}` : ''}\n`);
        this.#schedule();
        if (this.#tty && this.#active.size) this.#render();
      },
    };
  }

  command(argv: readonly string[]): void {
    if (!this.verbose) return;
    this.#clearLine();
    this.stream.write(`$ ${argv.map((a) => (/[\s"']/.test(a) ? `'${a}'` : a)).join(' ')}\n`);
  }
}
