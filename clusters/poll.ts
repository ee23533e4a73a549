import { setTimeout as delay } from 'node:timers/promises';

export interface PollOptions<T> {
  /** What is awaited, as the timeout error names it: `CRD canaries.flagger.app to be Established`. */
  readonly what: string;
  /** The awaited value, or a falsy one (or a throw) for "not yet". */
  readonly probe: () => Promise<T | undefined | false> | T | undefined | false;
  readonly timeoutMs: number;
  /** 200 ms unless given. */
  readonly intervalMs?: number;
  /** Ends the wait with the signal's reason, as `signal.throwIfAborted()` would. */
  readonly signal?: AbortSignal;
  /** Asked before each probe: an error ends the wait at once, e.g. when the awaited process has exited. */
  readonly failEarly?: () => Promise<Error | undefined> | Error | undefined;
}

/** The wait ran out; `cause` is the last error the probe threw, if it threw. */
export class PollTimeoutError extends Error {
  constructor(what: string, timeoutMs: number, lastError: unknown) {
    const last = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
    super(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last}`, lastError === undefined ? undefined : { cause: lastError });
    this.name = 'PollTimeoutError';
  }
}

/**
 * Probes until the probe gives a value, which it resolves with. A probe's throw counts as "not
 * yet" and is kept for the timeout error. It probes at least once, and once more at the deadline.
 */
export async function poll<T>({ what, probe, timeoutMs, intervalMs = 200, signal, failEarly }: PollOptions<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    signal?.throwIfAborted();
    const failure = await failEarly?.();
    if (failure) throw failure;
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new PollTimeoutError(what, timeoutMs, lastError);
    // timers/promises rejects an aborted sleep with its own AbortError; the caller wants the signal's reason.
    await delay(Math.min(intervalMs, left), undefined, signal ? { signal } : undefined).catch((err: unknown) => {
      signal?.throwIfAborted();
      throw err;
    });
  }
}
