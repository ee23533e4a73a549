import type { KubeClient, KubeEvent } from '../clusters/kube/index.ts';
import type { Controllers, Faults } from '../clusters/provider.ts';
import type { LoadProfile, LoadSummary } from '../load/index.ts';
import type { CheckSpec, SabotageSpec } from './check-proofs.ts';
import type { Holds } from './holds.ts';
import { resolveTunables, type TunableSpecs, type TunableValues } from './tunables.ts';
import { TunableError } from './tunable-error.ts';

/** What a scenario's body works with. Given/When steps act; Then checks observe and never mutate. */
export interface ScenarioContext<T> {
  readonly tunables: T;
  /** The scenario's own namespace, deleted afterwards unless --keep. */
  readonly namespace: string;
  /** The harness's admin client; `kube.as(user)` acts as another identity. */
  readonly kube: KubeClient;
  /** Path of an admin kubeconfig, for tools such as kubectl. */
  readonly kubeconfig: string;
  /**
   * The mesh's ingress gateway and Prometheus, both on loopback; and Prometheus as the cluster's
   * Flagger reaches it, the address a MetricTemplate's provider names.
   */
  readonly cluster: { readonly gatewayUrl: string; readonly prometheusUrl: string; readonly metricsServer: string };
  /** The cluster's controllers (Reloader, Wave): run with a scenario's flags, stopped and started again. */
  readonly controllers: Controllers;
  /** Faults to inject into the environment; each throws, naming the provider, where it cannot inject them. */
  readonly faults: Faults;
  /**
   * Starts vegeta through the gateway in the background; it stops by itself at the end of its
   * profile, or at `stop()`, or when the attempt ends. Its rate and errors go on the timeline.
   */
  startLoad(options: LoadRequest): RunningLoad;
  /**
   * Watches the namespace's Events (those `fieldSelector` selects) until the attempt ends. A watch
   * that cannot be resumed makes the attempt an error, so no check reads the gap as "no event".
   */
  watchEvents(onEvent: (event: KubeEvent) => void, fieldSelector?: string): Promise<void>;
  /** One point of a series (canary weight, success rate…) for the report's charts. */
  sample(series: string, value: number, labels?: Readonly<Record<string, string>>): void;
  /** The bound a gate holds a series to (a minimum success rate), drawn as a line on its chart. */
  threshold(series: string, bound: 'min' | 'max', value: number): void;
  /**
   * Runs one named step; its boundaries go on the timeline, and a throw here is an environment error.
   * A name starting "given:" or "when:" tells the story; --pause stops before each "when:".
   */
  step<R>(name: string, body: () => Promise<R>, options?: StepOptions): Promise<R>;
  /** Polls `probe` until it yields a value; records how long the condition took. */
  waitFor<R>(what: string, probe: () => Promise<R | undefined | false>, timeoutMs: number): Promise<R>;
  /**
   * A named check. It passes when `pass` is true, or, when `pass` is omitted, when observed
   * deep-equals expected. Returns whether it passed.
   */
  check(name: string, result: { expected: unknown; observed: unknown; reason: string; pass?: boolean } & CheckContext): boolean;
  /** A check that cannot apply here (a tool is missing); reported as skipped, never as a pass. */
  skip(name: string, reason: string, context?: CheckContext): void;
  note(message: string, data?: Record<string, unknown>): void;
  /** A number for the report (applies/s, p99 latency…). */
  metric(name: string, value: number): void;
  /** A value that must never appear in a report or log. */
  redact(secret: string): void;
  /** Cleanup to run after the body, even when it failed; cleanups run in reverse. */
  defer(cleanup: () => Promise<void>): void;
}

export interface StepOptions {
  /** kubectl arguments (without kubectl and --kubeconfig) that show what the step changes, for a trainer under --pause. */
  readonly shows?: ReadonlyArray<readonly string[]>;
}

/** Where a check stands in a matrix, and how its observation came about. */
export interface CheckContext {
  /** The column of a matrix, e.g. the mechanism under test; reports compare a check across variants. */
  readonly variant?: string;
  /** Cause and effect, in order: which change, which hash, which ReplicaSet revision, which pods. */
  readonly chain?: readonly string[];
}

export interface LoadRequest {
  readonly name: string;
  /** The Host a Gateway serves. */
  readonly host: string;
  readonly path?: string;
  readonly profile: LoadProfile;
}

export interface RunningLoad {
  /** Ends the load early (SIGINT to vegeta, which records what is in flight) and summarises it. */
  stop(): Promise<LoadSummary>;
  readonly done: Promise<LoadSummary>;
  /** Starts counting what clients see from now on, for a check about one phase (a rollout). */
  window(): LoadWindow;
}

export interface LoadWindow {
  /** Requests, failures (by status) and p99 since the window opened. */
  read(): { readonly requests: number; readonly failures: number; readonly failuresByStatus: Readonly<Record<string, number>>; readonly p99Ms: number };
}

export interface Scenario<S extends TunableSpecs = TunableSpecs> {
  readonly name: string;
  /** One line, shown by --list. */
  readonly summary: string;
  /** Components and add-ons the provider must supply. */
  readonly needs: { readonly components: readonly string[]; readonly addons: readonly string[] };
  readonly tunables: S;
  /**
   * Every check the scenario makes, by its full name. Declared, a check the body makes under
   * another name is an error; `--list` and the reports show each with the sabotage that proves it
   * can fail, or with why none can.
   */
  readonly checks?: Readonly<Record<string, CheckSpec>>;
  /** What each value of the `sabotage` tunable breaks, and the checks it must turn to `fail`, which the tests assert. */
  readonly sabotages?: Readonly<Record<string, SabotageSpec>>;
  /**
   * What an attempt with these tunables holds of the cluster beyond its namespace, so that
   * attempts which contend for a part run one after another and all others at once: `exclusive`
   * for a controller it runs with its own flags or stops, a component a fault stops, or what it
   * writes that others would contend for; `shared` for what it relies on (Prometheus, for a gate).
   * The API server and `needs.addons` are held shared without saying. Stopping or restarting a
   * controller or component not held exclusively fails the attempt.
   */
  holds?(tunables: TunableValues<S>): Holds;
  /** Why these values cannot work together, if they cannot: the run then exits 2 before any cluster work. */
  refuses?(tunables: TunableValues<S>): string | undefined;
  run(t: ScenarioContext<TunableValues<S>>): Promise<void>;
}

/** A scenario's tunables from `key=value` settings; a TunableError names what cannot work, alone or together. */
export function scenarioTunables<S extends TunableSpecs>(scenario: Scenario<S>, settings: Readonly<Record<string, string>>, swept: readonly string[] = []): TunableValues<S> {
  const values = resolveTunables(scenario.name, scenario.tunables, settings, swept);
  const refused = scenario.refuses?.(values);
  if (refused) throw new TunableError(`scenario ${scenario.name}: ${refused}`);
  return values;
}

/** Declares a scenario with its tunables' types inferred. */
export function defineScenario<const S extends TunableSpecs>(scenario: Scenario<S>): Scenario<S> {
  return scenario;
}
