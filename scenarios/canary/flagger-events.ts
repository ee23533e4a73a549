import type { ScenarioContext } from '../../harness/scenario.ts';

/** One event Flagger recorded for the Canary (pkg/controller/events.go: reason Synced). */
export interface FlaggerEvent {
  /** When the harness saw it, ms since the epoch (Events carry whole seconds only). */
  readonly at: number;
  readonly message: string;
  readonly type: 'Normal' | 'Warning' | string;
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

  /** Watches until the attempt ends. */
  static async start(t: Pick<ScenarioContext<unknown>, 'watchEvents'>): Promise<FlaggerEvents> {
    const sink = new FlaggerEvents();
    await t.watchEvents((e) => sink.events.push({ at: Date.now(), message: uncombined(e.message ?? ''), type: e.type ?? '' }), 'involvedObject.kind=Canary');
    return sink;
  }

  first(pattern: RegExp): FlaggerEvent | undefined {
    return this.events.find((e) => pattern.test(e.message));
  }

  all(pattern: RegExp): FlaggerEvent[] {
    return this.events.filter((e) => pattern.test(e.message));
  }

  /** The canary weight of each "Advance" event, in order. */
  advancedWeights(): number[] {
    return this.all(FLAGGER.advance).map((e) => Number(FLAGGER.advance.exec(e.message)![1]));
  }

}

/** Flagger's messages for each stage of an analysis (scheduler.go), as patterns. */
export const FLAGGER = {
  newRevision: /^New revision detected!/,
  start: /^Starting canary analysis/,
  advance: /^Advance \S+ canary weight (\d+)/,
  haltSuccessRate: /^Halt \S+ advancement success rate/,
  noValues: /no values found/,
  /**
   * Every halt Flagger counts as a failed check: a threshold missed (builtin or a MetricTemplate's),
   * no values to judge, a failed webhook; not a wait for a manual approval.
   */
  failedCheck: /^Halt (\S+ )?advancement (?!(\S+ )?waiting for)/,
  /**
   * scheduler_metrics.go: a query error other than no values (a builtin's, or a MetricTemplate's,
   * which includes one Flagger cannot find or render), or the provider check at initialisation.
   */
  prometheusFailed: /^Prometheus query failed|^Error checking metric providers|^Metric query failed|^Metric template \S+ (error|provider|query render)/,
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
