import type { Progress, ProgressTask } from '../clusters/progress.ts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
/** How often a non-TTY stream (CI logs) gets a line for a still-running task. */
const NON_TTY_INTERVAL_MS = 15_000;
/** The most lines the live region of a terminal takes; the rest are counted. */
const MAX_LIVE_LINES = 12;

interface Task {
  readonly label: string;
  readonly started: number;
  detail: string;
}

/**
 * Progress on a terminal: a live region with one line per running task and its elapsed time on a
 * TTY, lines printed above it; on other streams (CI logs) a line when a task starts, every 15 s
 * while it runs, and when it ends.
 */
export class TerminalProgress implements Progress {
  readonly #active = new Set<Task>();
  #timer: NodeJS.Timeout | undefined;
  /** Lines of the live region now on screen. */
  #drawn = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly verbose = false,
  ) {}

  get #tty(): boolean {
    return Boolean(this.stream.isTTY);
  }

  #clear(): void {
    if (!this.#tty || this.#drawn === 0) return;
    this.stream.write(`\r${this.#drawn > 1 ? `\x1b[${this.#drawn - 1}A` : ''}\x1b[0J`);
    this.#drawn = 0;
  }

  #line(t: Task, now: number): string {
    return `${t.label} ${seconds(now - t.started)}${t.detail ? ` (${t.detail})` : ''}`;
  }

  #render(): void {
    const now = Date.now();
    if (this.#tty) {
      this.#clear();
      const tasks = [...this.#active];
      const shown = tasks.length > MAX_LIVE_LINES ? tasks.slice(0, MAX_LIVE_LINES - 1) : tasks;
      const lines = shown.map((t) => `… ${this.#line(t, now)}`.slice(0, (this.stream.columns ?? 120) - 1));
      if (shown.length < tasks.length) lines.push(`… and ${tasks.length - shown.length} more`);
      this.stream.write(lines.join('\n'));
      this.#drawn = lines.length;
    } else {
      for (const t of this.#active) this.stream.write(`… ${this.#line(t, now)}\n`);
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

  /** A line above the live region, which is drawn again below it. */
  print(line: string): void {
    this.#clear();
    this.stream.write(`${line}\n`);
    if (this.#tty && this.#active.size) this.#render();
  }

  #track(label: string): { task: Task; update(detail: string): void; remove(): boolean } {
    const task: Task = { label, started: Date.now(), detail: '' };
    this.#active.add(task);
    this.#schedule();
    return {
      task,
      update: (detail) => {
        task.detail = detail;
      },
      remove: () => {
        const removed = this.#active.delete(task);
        this.#schedule();
        if (removed && this.#tty) this.#render();
        return removed;
      },
    };
  }

  begin(label: string): ProgressTask {
    if (!this.#tty) this.stream.write(`… ${label}\n`);
    const tracked = this.#track(label);
    return {
      update: tracked.update,
      end: (outcome, detail) => {
        if (!this.#active.has(tracked.task)) return;
        const took = seconds(Date.now() - tracked.task.started);
        this.#active.delete(tracked.task);
        this.print(`${outcome === 'done' ? '✓' : '✗'} ${label} (${took})${detail ? `: ${detail.split('\n')[0]}` : ''}`);
        tracked.remove();
      },
    };
  }

  /** A running task shown with its elapsed time and detail, announced and concluded by its owner's own lines. */
  follow(label: string): { update(detail: string): void; end(): void } {
    const tracked = this.#track(label);
    return { update: tracked.update, end: () => void tracked.remove() };
  }

  command(argv: readonly string[]): void {
    if (!this.verbose) return;
    this.print(`$ ${argv.map((a) => (/[\s"']/.test(a) ? `'${a}'` : a)).join(' ')}`);
  }
}
