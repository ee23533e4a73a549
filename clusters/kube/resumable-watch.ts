import { Watch, type KubeConfig } from '@kubernetes/client-node';

/** One change the watch delivers; after a re-list, objects already seen come again as ADDED. */
export type WatchPhase = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ResumableWatchOptions<T> {
  /** A collection, e.g. `/api/v1/namespaces/ns/events`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly onChange: (phase: WatchPhase, object: T) => void;
  /** Called once when the watch cannot be resumed within `gapLimitMs`: changes may have been missed, and it stops. */
  readonly onGap: (error: Error) => void;
  readonly gapLimitMs?: number;
}

interface Versioned {
  readonly metadata?: { readonly resourceVersion?: string };
  readonly code?: number;
  readonly message?: string;
}

const DEFAULT_GAP_LIMIT_MS = 30_000;
const RETRY_MS = [100, 250, 500, 1000] as const;

/**
 * A watch that survives its connection ending, as client-go's reflector does: it resumes from the
 * last resourceVersion it saw (bookmarks included), and when that is too old (410 Gone) it starts
 * over without one, which re-lists the current objects as ADDED. Resolves once the first watch is
 * established, with the handle that stops it; rejects when that first watch cannot be.
 */
export async function resumableWatch<T extends Versioned>(kc: KubeConfig, o: ResumableWatchOptions<T>): Promise<AbortController> {
  const stopped = new AbortController();
  const gapLimitMs = o.gapLimitMs ?? DEFAULT_GAP_LIMIT_MS;
  let resourceVersion: string | undefined;
  let current: AbortController | undefined;
  stopped.signal.addEventListener('abort', () => current?.abort());

  /** One watch request: `error` when it failed before streaming, else `ended` settles when the stream does. */
  const connect = async (): Promise<{ error?: Error; ended: Promise<Error | null> }> => {
    let error: Error | undefined;
    let endedWith: (err: Error | null) => void = () => {};
    const ended = new Promise<Error | null>((r) => (endedWith = r));
    const query = { ...o.query, allowWatchBookmarks: 'true', ...(resourceVersion ? { resourceVersion } : {}) };
    let streaming = false;
    current = await new Watch(kc).watch(
      o.path,
      query,
      (phase: string, object: T) => {
        if (phase === 'ERROR') {
          // 410 Gone: the server no longer has history from our resourceVersion.
          if (object.code === 410) resourceVersion = undefined;
          return;
        }
        if (object.metadata?.resourceVersion) resourceVersion = object.metadata.resourceVersion;
        if (phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED') o.onChange(phase, object);
      },
      (err: (Error & { statusCode?: number }) | null) => {
        if (err?.statusCode === 410) resourceVersion = undefined;
        if (!streaming) error = err ?? new Error('the server closed the watch at once');
        endedWith(err ?? null);
      },
    );
    // Watch.watch resolves once the response is in: by then a request that failed has called done.
    streaming = error === undefined;
    if (stopped.signal.aborted) current.abort();
    return error ? { error, ended } : { ended };
  };

  const supervise = async (ended: Promise<Error | null>): Promise<void> => {
    for (;;) {
      await ended;
      let failingSince: number | undefined;
      for (let failures = 0; ; failures++) {
        if (stopped.signal.aborted) return;
        const next = await connect();
        if (!next.error) {
          ended = next.ended;
          break;
        }
        failingSince ??= Date.now();
        if (Date.now() - failingSince > gapLimitMs) {
          o.onGap(new Error(`the watch on ${o.path} could not be resumed for ${Math.round((Date.now() - failingSince) / 1000)} s (last error: ${next.error.message}); changes in that time may be missing`));
          return;
        }
        await new Promise((r) => setTimeout(r, RETRY_MS[Math.min(failures, RETRY_MS.length - 1)]));
      }
    }
  };

  const first = await connect();
  if (first.error) throw new Error(`cannot watch ${o.path}: ${first.error.message}`);
  void supervise(first.ended);
  return stopped;
}
