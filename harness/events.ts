import type { AttemptDiagnostics } from './diagnostics.ts';
import type { Holds } from './holds.ts';
import type { Combination, Matrix } from './matrix.ts';
import type { Waited } from './scheduler.ts';
import type { CheckResult, DecidedBy, Verdict } from './results.ts';

/** A point on a scenario's timeline. */
export interface TimelineEntry {
  readonly at: string;
  /**
   * `sample`: one point of a series for charts; data holds `series`, `value` and any labels.
   * `threshold`: a bound a gate holds a series to; data holds `series`, `value` and `bound` (min or max).
   */
  readonly kind: 'step-begin' | 'step-end' | 'kube-event' | 'check' | 'note' | 'sample' | 'threshold';
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface AttemptId {
  readonly scenario: string;
  /** 1-based; more than 1 with --repeat. */
  readonly attempt: number;
  /** The `--matrix` combination it runs; absent without one. */
  readonly combination?: Combination;
}

/** What the engine emits. Reporters consume these; the engine never prints. */
export type EngineEvent =
  | {
      readonly type: 'run-begin';
      readonly scenarios: readonly string[];
      readonly repeat: number;
      /** How many attempts may run at once. */
      readonly workers: number;
      readonly matrix?: Matrix;
      readonly provider: string;
      readonly versions: Readonly<Record<string, string>>;
    }
  | {
      readonly type: 'attempt-begin';
      readonly id: AttemptId;
      /** When it began, by the clock its duration is measured with: spans of attempts that ran one after another must not seem to overlap. */
      readonly at: string;
      readonly namespace: string;
      readonly tunables: Readonly<Record<string, unknown>>;
      readonly holds: Holds;
      /** Why it did not start with the run, and for how long it waited. */
      readonly waited?: Waited;
    }
  | { readonly type: 'step-begin'; readonly id: AttemptId; readonly step: string }
  /** Before a when-step under --pause: the run waits for the user, who may watch with these kubectl arguments. */
  | { readonly type: 'pause'; readonly id: AttemptId; readonly step: string; readonly shows: ReadonlyArray<readonly string[]> }
  | { readonly type: 'wait-begin'; readonly id: AttemptId; readonly what: string; readonly timeoutMs: number }
  | { readonly type: 'wait-end'; readonly id: AttemptId; readonly what: string; readonly ok: boolean }
  | { readonly type: 'step-end'; readonly id: AttemptId; readonly step: string; readonly ok: boolean; readonly durationMs: number; readonly error?: string }
  | { readonly type: 'timeline'; readonly id: AttemptId; readonly entry: TimelineEntry }
  | { readonly type: 'check'; readonly id: AttemptId; readonly check: CheckResult }
  /** A failed or errored attempt's events, logs and objects, read before its cleanups ran. */
  | { readonly type: 'diagnostics'; readonly id: AttemptId; readonly diagnostics: AttemptDiagnostics }
  | {
      readonly type: 'attempt-end';
      readonly id: AttemptId;
      readonly verdict: Verdict;
      readonly decidedBy: DecidedBy;
      readonly durationMs: number;
      readonly metrics: Readonly<Record<string, number>>;
    }
  | { readonly type: 'run-end'; readonly durationMs: number };

/** A reporter observes engine events; every hook is optional. */
export interface Reporter {
  onEvent?(event: EngineEvent): void;
  /** Called once after run-end: write files, print summaries. */
  finish?(): Promise<void>;
}
