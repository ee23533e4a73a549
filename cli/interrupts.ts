type Cleanup = () => Promise<void>;
const cleanups: Cleanup[] = [];
let interruption: Promise<never> | undefined;
let exiting = false;

/** Registers cleanup for Ctrl-C and SIGTERM; cleanups run in reverse. Returns an unregister function. */
export function onInterrupt(cleanup: Cleanup): () => void {
  cleanups.push(cleanup);
  return () => {
    const i = cleanups.indexOf(cleanup);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

/**
 * Installs the handlers: run every cleanup, then exit 130 (SIGINT) or 143 (SIGTERM) once the output
 * has drained. A signal while the process only waits for its output to drain exits at once.
 */
export function installInterruptHandlers(report: (message: string) => void): void {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      // Nothing is left to clean up, only output to hand to a reader that does not take it: stop waiting.
      if (exiting) process.exit(code);
      if (interruption) return;
      report(`\n${signal}: stopping what this run started…`);
      interruption = (async () => {
        for (const cleanup of [...cleanups].reverse()) {
          await cleanup().catch((err: Error) => report(`cleanup failed: ${err.message}`));
        }
        return exitWhenFlushed(code);
      })();
    });
  }
}

/**
 * Resolves at once when no signal came; otherwise never, because the cleanup exits the process
 * itself. The command's own exit waits here, so a run torn down under it cannot exit first.
 */
export async function settleInterrupt(): Promise<void> {
  if (interruption) await interruption;
}

/**
 * A reader that closes early (`testbed … | head -1`) ends the output, not the command: the EPIPE
 * that stdout or stderr then reports is no crash, and what is written after it goes nowhere.
 */
export function tolerateClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
}

/**
 * Exits with `code` (or process.exitCode) once stdout and stderr have handed everything written
 * to them to the OS. process.exit alone drops whatever a pipe has not taken yet, since writes to
 * a pipe are asynchronous: `| less` and CI logs would lose the end of the output. A reader that
 * has gone ends the wait at once; one that takes its time is waited for, unless a signal comes.
 */
export async function exitWhenFlushed(code?: number): Promise<never> {
  exiting = true;
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  // Not process.exit(undefined): an explicit undefined would reset process.exitCode to 0.
  process.exit(code ?? process.exitCode);
}

/** Resolves when every write before it has completed or failed: an empty write queues behind them. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded) resolve();
    else stream.write('', () => resolve());
  });
}
