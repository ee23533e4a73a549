type Cleanup = () => Promise<void>;
const cleanups: Cleanup[] = [];
let interrupted = false;

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
      if (interrupted) return;
      interrupted = true;
      report(`\n${signal}: stopping what this run started…`);
      void (async () => {
        for (const cleanup of [...cleanups].reverse()) {
          await cleanup().catch((err: Error) => report(`cleanup failed: ${err.message}`));
        }
        process.exit(code);
      })();
    });
  }
}
