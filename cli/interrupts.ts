type Cleanup = () => Promise<void>;
const cleanups: Cleanup[] = [];
let interruption: Promise<never> | undefined;

/** Registers cleanup for Ctrl-C and SIGTERM; cleanups run in reverse. Returns an unregister function. */
export function onInterrupt(cleanup: Cleanup): () => void {
  cleanups.push(cleanup);
  return () => {
    const i = cleanups.indexOf(cleanup);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

/** Installs the handlers: run every cleanup, then exit 130 (SIGINT) or 143 (SIGTERM). */
export function installInterruptHandlers(report: (message: string) => void): void {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      if (interruption) return;
      report(`\n${signal}: stopping what this run started…`);
      interruption = (async () => {
        for (const cleanup of [...cleanups].reverse()) {
          await cleanup().catch((err: Error) => report(`cleanup failed: ${err.message}`));
        }
        process.exit(code);
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
