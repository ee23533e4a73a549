import { Watch, type KubeConfig } from '@kubernetes/client-node';

/** The parts of a core/v1 Event that readers use. */
export interface KubeEvent {
  readonly metadata: { readonly name: string };
  readonly reason?: string;
  readonly message?: string;
  readonly type?: string;
  readonly involvedObject?: { readonly kind?: string; readonly name?: string };
  /** Who emitted it: `source.component` for core/v1 writers, `reportingComponent` for events.k8s.io ones. */
  readonly source?: { readonly component?: string };
  readonly reportingComponent?: string;
}

/**
 * Calls `onEvent` once per distinct message of each Event in `namespace`. A repeat only bumps an
 * Event's count; but client-go folds a source's 11th and later similar events (same object, type
 * and reason) into one Event whose message each MODIFIED replaces, and those must not be missed.
 * Returns the watch's abort handle.
 */
export function watchEvents(kc: KubeConfig, namespace: string, onEvent: (event: KubeEvent) => void, fieldSelector?: string): Promise<AbortController> {
  const lastMessage = new Map<string, string | undefined>();
  return new Watch(kc).watch(
    `/api/v1/namespaces/${namespace}/events`,
    fieldSelector ? { fieldSelector } : {},
    (phase: string, event: KubeEvent) => {
      if ((phase !== 'ADDED' && phase !== 'MODIFIED') || lastMessage.get(event.metadata.name) === event.message) return;
      lastMessage.set(event.metadata.name, event.message);
      onEvent(event);
    },
    () => {},
  );
}
