import { cpus, hostname, platform, release } from 'node:os';
import type { AttemptDiagnostics } from '../harness/diagnostics.ts';
import type { AttemptId, EngineEvent, Reporter, TimelineEntry } from '../harness/events.ts';
import type { Holds } from '../harness/holds.ts';
import { withCombination, type Combination, type Matrix } from '../harness/matrix.ts';
import type { Waited } from '../harness/scheduler.ts';
import type { CheckResult, DecidedBy, Verdict } from '../harness/results.ts';
import { checkMatrix, type CheckMatrix } from './check-matrix.ts';

/**
 * report.json, schema version 1. Documented in reports/README.md; a test asserts the shape.
 */
export interface RunReport {
  readonly schemaVersion: 1;
  readonly provider: string;
  /** Every component's pinned version, and where its binary came from. */
  readonly versions: Readonly<Record<string, string>>;
  readonly verdict: Verdict;
  readonly startedAt: string;
  readonly durationMs: number;
  /** How many attempts could run at once; absent in reports saved before attempts ran side by side. */
  readonly workers?: number;
  /** The tunables a `--matrix` swept, with their values; each combination is a scenario entry of its own. */
  readonly matrix?: Matrix;
  readonly environment: { readonly node: string; readonly os: string; readonly cpus: number; readonly host: string };
  readonly scenarios: ScenarioReport[];
}

export interface ScenarioReport {
  readonly scenario: string;
  /** The `--matrix` combination these attempts ran; absent without one. */
  readonly combination?: Combination;
  /** error if any attempt errored, else fail if any failed, else pass. */
  verdict: Verdict;
  /** Passed attempts / attempts. */
  passRate: number;
  /** Attempts disagreed. */
  flaky: boolean;
  /** The checks of the last attempt. */
  checks: CheckResult[];
  readonly attempts: AttemptReport[];
}

export interface AttemptReport {
  readonly attempt: number;
  readonly namespace: string;
  /** Absent, with holds, in reports saved before attempts ran side by side. */
  readonly startedAt?: string;
  /** What it held of the cluster beyond its namespace, `shared` or `exclusive`. */
  readonly holds?: Holds;
  /** Why it did not start with the run, and for how long it waited. */
  readonly waited?: Waited;
  readonly tunables: Readonly<Record<string, unknown>>;
  verdict: Verdict | 'running';
  decidedBy?: DecidedBy;
  durationMs: number;
  readonly steps: Array<{ name: string; ok: boolean; durationMs: number; error?: string }>;
  readonly checks: CheckResult[];
  /** The checks side by side, one column per variant (a mechanism under test), when they have variants. */
  matrix?: CheckMatrix;
  readonly timeline: TimelineEntry[];
  metrics: Readonly<Record<string, number>>;
  /** While the attempt runs (the live view): the innermost step, and what it waits for or is paused before. */
  live?: AttemptLiveState;
  /** Only for an attempt that failed or errored: what its namespace and controllers showed before cleanup. */
  diagnostics?: AttemptDiagnostics;
}

export interface AttemptLiveState {
  readonly steps: readonly string[];
  readonly waitingFor?: string;
  readonly pausedBefore?: string;
}

export function aggregateVerdict(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes('error')) return 'error';
  if (verdicts.includes('fail')) return 'fail';
  return 'pass';
}

type LiveEvent = Extract<EngineEvent, { type: 'step-begin' | 'step-end' | 'pause' | 'wait-begin' | 'wait-end' }>;

function nextLiveState(live: AttemptLiveState, event: LiveEvent): AttemptLiveState {
  const { steps } = live;
  switch (event.type) {
    case 'pause':
      return { steps, pausedBefore: event.step };
    case 'step-begin':
      return { steps: [...steps, event.step] };
    case 'step-end':
      return { steps: steps.includes(event.step) ? steps.slice(0, steps.lastIndexOf(event.step)) : steps };
    case 'wait-begin':
      return { steps, waitingFor: event.what };
    case 'wait-end':
      return { steps };
  }
}

/** Whether an attempt belongs to a scenario entry: the same scenario, and the same combination. */
const sameEntry = (s: ScenarioReport, id: AttemptId) => withCombination(s.scenario, s.combination) === withCombination(id.scenario, id.combination);

/** Builds the run's report from engine events; every file reporter starts from this model. */
export class RunReportBuilder implements Reporter {
  report: RunReport | undefined;
  readonly #startedAt = new Date().toISOString();

  onEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'run-begin':
        this.report = {
          schemaVersion: 1,
          provider: event.provider,
          versions: event.versions,
          verdict: 'pass',
          startedAt: this.#startedAt,
          durationMs: 0,
          workers: event.workers,
          ...(event.matrix ? { matrix: event.matrix } : {}),
          environment: { node: process.version, os: `${platform()} ${release()}`, cpus: cpus().length, host: hostname() },
          scenarios: [],
        };
        return;
      case 'attempt-begin': {
        const scenario = this.#scenario(event.id, true)!;
        scenario.attempts.push({
          attempt: event.id.attempt,
          namespace: event.namespace,
          startedAt: event.at,
          holds: event.holds,
          ...(event.waited ? { waited: event.waited } : {}),
          tunables: event.tunables,
          verdict: 'running',
          durationMs: 0,
          steps: [],
          checks: [],
          timeline: [],
          metrics: {},
          live: { steps: [] },
        });
        scenario.attempts.sort((a, b) => a.attempt - b.attempt);
        return;
      }
      case 'step-begin':
      case 'pause':
      case 'wait-begin':
      case 'wait-end': {
        const attempt = this.attemptOf(event.id);
        if (attempt?.live) attempt.live = nextLiveState(attempt.live, event);
        return;
      }
      case 'step-end': {
        const attempt = this.attemptOf(event.id);
        if (attempt?.live) attempt.live = nextLiveState(attempt.live, event);
        attempt?.steps.push({ name: event.step, ok: event.ok, durationMs: event.durationMs, ...(event.error ? { error: event.error } : {}) });
        return;
      }
      case 'timeline':
        this.attemptOf(event.id)?.timeline.push(event.entry);
        return;
      case 'check':
        this.attemptOf(event.id)?.checks.push(event.check);
        return;
      case 'diagnostics': {
        const attempt = this.attemptOf(event.id);
        if (attempt) attempt.diagnostics = event.diagnostics;
        return;
      }
      case 'attempt-end': {
        const attempt = this.attemptOf(event.id);
        const scenario = this.#scenario(event.id);
        if (!attempt || !scenario) return;
        const matrix = checkMatrix(attempt.checks);
        delete attempt.live;
        Object.assign(attempt, { verdict: event.verdict, decidedBy: event.decidedBy, durationMs: event.durationMs, metrics: event.metrics, ...(matrix ? { matrix } : {}) });
        const verdicts = scenario.attempts.map((a) => a.verdict as Verdict);
        scenario.verdict = aggregateVerdict(verdicts);
        scenario.passRate = verdicts.filter((v) => v === 'pass').length / verdicts.length;
        scenario.flaky = new Set(verdicts).size > 1;
        scenario.checks = attempt.checks;
        return;
      }
      case 'run-end':
        if (!this.report) return;
        this.report = { ...this.report, durationMs: event.durationMs, verdict: aggregateVerdict(this.report.scenarios.map((s) => s.verdict)) };
        return;
    }
  }

  #scenario(id: AttemptId, create = false): ScenarioReport | undefined {
    let found = this.report?.scenarios.find((s) => sameEntry(s, id));
    if (!found && create && this.report) {
      found = { scenario: id.scenario, ...(id.combination ? { combination: id.combination } : {}), verdict: 'pass', passRate: 0, flaky: false, checks: [], attempts: [] };
      this.report.scenarios.push(found);
    }
    return found;
  }

  /** The report of one attempt, by its id. */
  attemptOf(id: AttemptId): AttemptReport | undefined {
    return this.#scenario(id)?.attempts.find((a) => a.attempt === id.attempt);
  }
}
