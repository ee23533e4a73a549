import { KubeConfig, Watch } from '@kubernetes/client-node';

/** One event Flagger recorded for the Canary (pkg/controller/events.go: reason Synced). */
export interface FlaggerEvent {
  /** When the harness saw it, ms since the epoch (Events carry whole seconds only). */
  readonly at: number;
  readonly message: string;
  readonly type: 'Normal' | 'Warning' | string;
}

interface KubeEvent {
  metadata: { name: string };
  message?: string;
  type?: string;
}

/** client-go's EventAggregator prefixes the messages it folds together. */
export const uncombined = (message: string) => message.replace(/^\(combined from similar events\): /, '');

/**
 * Flagger's events for the Canaries of a namespace, from a watch on Kubernetes Events: every
 * event Flagger emits is recorded there, whichever provider runs the cluster (an in-cluster
 * Flagger cannot reach a webhook on the harness's loopback).
 */
export class FlaggerEvents {
  readonly events: FlaggerEvent[] = [];
  private watch: AbortController | undefined;

  static async start(kubeconfig: string, namespace: string): Promise<FlaggerEvents> {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const sink = new FlaggerEvents();
    // client-go folds a source's 11th and later similar events (same object, type and reason; Flagger's
    // are all "Synced") into one Event whose message each MODIFIED replaces; a repeat keeps the message.
    const lastMessage = new Map<string, string>();
    sink.watch = await new Watch(kc).watch(
      `/api/v1/namespaces/${namespace}/events`,
      { fieldSelector: 'involvedObject.kind=Canary' },
      (phase: string, e: KubeEvent) => {
        const message = uncombined(e.message ?? '');
        if ((phase === 'ADDED' || phase === 'MODIFIED') && lastMessage.get(e.metadata.name) !== message) {
          lastMessage.set(e.metadata.name, message);
          sink.events.push({ at: Date.now(), message, type: e.type ?? '' });
        }
      },
      () => {},
    );
    return sink;
  }

  first(pattern: RegExp): FlaggerEvent | undefined {
    return this.events.find((e) => pattern.test(e.message));
  }

  all(pattern: RegExp): FlaggerEvent[] {
    return this.events.filter((e) => pattern.test(e.message));
  }

  stop(): void {
    this.watch?.abort();
  }
}

/** Flagger's messages for each stage of an analysis (scheduler.go), as patterns. */
export const FLAGGER = {
  newRevision: /^New revision detected!/,
  start: /^Starting canary analysis/,
  advance: /^Advance \S+ canary weight (\d+)/,
  halt: /^Halt .* advancement (success rate|request duration)/,
  haltDuration: /^Halt .* advancement request duration/,
  noValues: /no values found/,
  rollingBack: /^Rolling back .* failed checks threshold reached/,
  failed: /^Canary failed!/,
  copying: /^Copying \S+ template spec to/,
  routingToPrimary: /^Routing all traffic to primary/,
  promoted: /^Promotion completed!/,
} as const;

/** Whether the messages contain the patterns as an ordered subsequence; the first missing one otherwise. */
export function inOrder(events: readonly FlaggerEvent[], patterns: ReadonlyArray<[string, RegExp]>): { ok: boolean; seen: string[]; missing?: string } {
  const seen: string[] = [];
  let i = 0;
  for (const [name, pattern] of patterns) {
    while (i < events.length && !pattern.test(events[i]!.message)) i++;
    if (i === events.length) return { ok: false, seen, missing: name };
    seen.push(name);
    i++;
  }
  return { ok: true, seen };
}
