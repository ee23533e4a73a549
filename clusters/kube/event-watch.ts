import type { KubeConfig } from '@kubernetes/client-node';
import { resumableWatch } from './resumable-watch.ts';

/** The parts of a core/v1 Event that readers use. */
export interface KubeEvent {
  readonly metadata: { readonly name: string; readonly resourceVersion?: string };
  readonly reason?: string;
  readonly message?: string;
  readonly type?: string;
  readonly involvedObject?: { readonly kind?: string; readonly name?: string };
  /** Who emitted it: `source.component` for core/v1 writers, `reportingComponent` for events.k8s.io ones. */
  readonly source?: { readonly component?: string };
  readonly reportingComponent?: string;
}

export interface EventWatchOptions {
  readonly fieldSelector?: string;
  /** The watch could not be resumed, so an event may be missing; see {@link resumableWatch}. */
  readonly onGap: (error: Error) => void;
}

/**
 * Calls `onEvent` once per distinct message of each Event in `namespace`. A repeat only bumps an
 * Event's count; but client-go folds a source's 11th and later similar events (same object, type
 * and reason) into one Event whose message each MODIFIED replaces, and those must not be missed.
 * The watch resumes after its connection ends, and a re-list delivers nothing twice.
 * Returns the watch's abort handle.
 */
export function watchEvents(kc: KubeConfig, namespace: string, onEvent: (event: KubeEvent) => void, o: EventWatchOptions): Promise<AbortController> {
  const lastMessage = new Map<string, string | undefined>();
  return resumableWatch<KubeEvent>(kc, {
    path: `/api/v1/namespaces/${namespace}/events`,
    ...(o.fieldSelector ? { query: { fieldSelector: o.fieldSelector } } : {}),
    onChange: (phase, event) => {
      if (phase === 'DELETED' || lastMessage.get(event.metadata.name) === event.message) return;
      lastMessage.set(event.metadata.name, event.message);
      onEvent(event);
    },
    onGap: o.onGap,
  });
}
