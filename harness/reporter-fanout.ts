import type { EngineEvent, Reporter } from './events.ts';

/** Delivers each event to every reporter; a reporter that throws is reported once and skipped, never breaking the run. */
export function fanOut(reporters: readonly Reporter[], warn: (message: string) => void): { emit(event: EngineEvent): void; finish(): Promise<void> } {
  const broken = new Set<Reporter>();
  const guard = (reporter: Reporter, what: string, fn: () => void) => {
    if (broken.has(reporter)) return;
    try {
      fn();
    } catch (err) {
      broken.add(reporter);
      warn(`reporter ${reporter.constructor.name} failed on ${what}: ${(err as Error).message}`);
    }
  };
  return {
    emit(event) {
      for (const r of reporters) guard(r, event.type, () => r.onEvent?.(event));
    },
    async finish() {
      for (const r of reporters) {
        if (broken.has(r)) continue;
        await r.finish?.().catch((err: Error) => warn(`reporter ${r.constructor.name} failed to finish: ${err.message}`));
      }
    },
  };
}
