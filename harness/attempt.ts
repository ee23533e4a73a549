import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { KubeConfig } from '@kubernetes/client-node';
import { watchEvents, type KubeClient, type KubeEvent } from '../clusters/kube/index.ts';
import { poll } from '../clusters/poll.ts';
import { ProviderError, SCENARIO_LABEL, type ClusterConnection, type ControllerName, type Controllers, type Faults, type LogSource } from '../clusters/provider.ts';
import type { AttemptPlan } from './attempt-plan.ts';
import { AttemptLoads, type LoadTools } from './attempt-loads.ts';
import { proofOf } from './check-proofs.ts';
import { collectDiagnostics } from './diagnostics.ts';
import type { EngineEvent, TimelineEntry } from './events.ts';
import type { LoadMetricsTarget } from './load-metrics-target.ts';
import { redactDeep } from './redaction.ts';
import { decideVerdict, type CheckResult, type Verdict } from './results.ts';
import { scenarioTunables, type CheckContext, type LoadRequest, type RunningLoad, type ScenarioContext, type StepOptions } from './scenario.ts';
import type { Start } from './scheduler.ts';
import { shownTunables } from './tunables.ts';

/** What every attempt of a run shares: the cluster, its controllers and faults, the load tools, the run's event stream. */
export interface RunEnvironment {
  readonly cluster: ClusterConnection;
  readonly controllers: Controllers;
  /** The provider session's faults; absent where it cannot inject any. */
  readonly faults?: Faults | undefined;
  /** The provider session's logs, read for a failed or errored attempt's diagnostics. */
  readonly logs?: LogSource | undefined;
  /** Absent when no selected scenario needs load. */
  readonly load?: LoadTools | undefined;
  readonly keep: boolean;
  readonly kube: KubeClient;
  readonly kubeConfig: KubeConfig;
  readonly loadTarget: LoadMetricsTarget;
  readonly emit: (event: EngineEvent) => void;
  /** --pause: resolves when the user lets the when-step begin. */
  readonly pause?: ((step: string, shows: ReadonlyArray<readonly string[]>) => Promise<void>) | undefined;
}

/** Faults on a provider that injects none: each says so. */
function noFaults(provider: string): Faults {
  const refuse = (): never => {
    throw new ProviderError(`the ${provider} provider cannot inject faults; run faults on the embedded provider`);
  };
  return { killPod: async () => refuse(), stop: async () => refuse(), partition: async () => refuse() };
}

const describeError = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Only the context a check was given, so results without a variant or chain stay as they were. */
const checkContext = ({ variant, chain }: CheckContext): CheckContext => ({ ...(variant ? { variant } : {}), ...(chain ? { chain } : {}) });

/** How long a failed attempt may spend collecting its diagnostics before its cleanups run. */
const DIAGNOSTICS_TIMEOUT_MS = 15_000;

/** Where setup ends: the namespace exists, and a crash is the scenario's. */
const SETUP = '(setup)';
const BODY = '(scenario body)';

/**
 * One attempt of one scenario, in a namespace of its own: the context its body works with, the
 * record of its steps, checks and metrics, and what it must undo when it ends.
 */
export class Attempt implements ScenarioContext<Record<string, unknown>> {
  readonly namespace: string;
  readonly tunables: Record<string, unknown>;
  readonly controllers: Controllers;
  readonly faults: Faults;
  readonly #secrets = new Set<string>();
  readonly #checks: CheckResult[] = [];
  readonly #metrics: Record<string, number> = {};
  readonly #cleanups: Array<() => Promise<void>> = [];
  readonly #watches: AbortController[] = [];
  readonly #loads: AttemptLoads;
  #watchGap: Error | undefined;
  /** What a crash thrown outside every step is blamed on; steps may run concurrently, so none of them is "the current one". */
  #phase: typeof SETUP | typeof BODY = SETUP;
  /** The innermost step each error came out of: what a crash is blamed on, once the steps around it have unwound. */
  readonly #thrownIn = new WeakMap<object, string>();

  constructor(
    private readonly plan: AttemptPlan,
    private readonly env: RunEnvironment,
  ) {
    const { scenario } = plan;
    this.namespace = `tb-${scenario.name}-${randomBytes(3).toString('hex')}`.slice(0, 63);
    this.tunables = scenarioTunables(scenario, plan.settings, plan.swept);
    this.controllers = this.#heldControllers(env.controllers);
    this.faults = this.#heldFaults(env.faults ?? noFaults(env.cluster.provider));
    this.#loads = new AttemptLoads(this.namespace, env.cluster, env.load, env.loadTarget, { sample: (s, v, l) => this.sample(s, v, l), note: (m, d) => this.note(m, d) });
  }

  get kube(): KubeClient {
    return this.env.kube;
  }
  get kubeconfig(): string {
    return this.env.cluster.kubeconfig;
  }
  get cluster() {
    const { gatewayUrl, prometheusUrl, metricsServer } = this.env.cluster;
    return { gatewayUrl, prometheusUrl, metricsServer };
  }

  /** Runs the scenario's body between creating its namespace and undoing what it did; resolves with the verdict. */
  async run(start: Start): Promise<Verdict> {
    const { scenario, id } = this.plan;
    const started = Date.now();
    this.#emit({
      type: 'attempt-begin',
      id,
      at: new Date(started).toISOString(),
      namespace: this.namespace,
      tunables: shownTunables(scenario.tunables, this.tunables, this.plan.settings),
      holds: this.plan.holds,
      ...(start.waited ? { waited: start.waited } : {}),
    });
    if (start.waited) this.note(`waited ${(start.waited.ms / 1000).toFixed(1)} s to start: ${start.waited.reason}`);
    let crash: { step: string; error: string } | undefined;
    try {
      if (start.clash) throw start.clash;
      const { cluster } = this.env;
      const missing = [...scenario.needs.components, ...scenario.needs.addons].filter((c) => !(c in cluster.versions));
      if (missing.length) throw new Error(`needs ${missing.join(', ')}, which provider ${cluster.provider} does not supply (it has ${Object.keys(cluster.versions).join(', ')})`);
      await this.step('create namespace', () => this.#createNamespace());
      this.#phase = BODY;
      await scenario.run(this as unknown as ScenarioContext<never>);
    } catch (err) {
      crash = { step: (typeof err === 'object' && err && this.#thrownIn.get(err)) || this.#phase, error: describeError(err) };
    }
    await this.#loads.stopAll();
    // A check that read a watch with a hole in it judged on missing events: the environment failed.
    if (this.#watchGap && !crash) crash = { step: 'watch the namespace', error: this.#watchGap.message };
    const { verdict, decidedBy } = decideVerdict(this.#checks, crash);
    await this.#undo(verdict);
    this.#emit({ type: 'attempt-end', id, verdict, decidedBy, durationMs: Date.now() - started, metrics: this.#metrics });
    return verdict;
  }

  async #createNamespace(): Promise<void> {
    const { cluster } = this.env;
    await this.kube.call('POST', '/api/v1/namespaces', {
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.namespace, labels: { ...cluster.namespaceLabels, [SCENARIO_LABEL]: this.plan.scenario.name } } },
    });
    await this.watchEvents((event) =>
      this.#timeline({
        kind: 'kube-event',
        message: `${event.involvedObject?.kind}/${event.involvedObject?.name} ${event.reason}: ${event.message}`,
        data: { type: event.type, reason: event.reason, source: event.reportingComponent || event.source?.component || '' },
      }),
    );
  }

  /** Diagnostics of a verdict other than pass, then the cleanups, the watches, the namespace. */
  async #undo(verdict: Verdict): Promise<void> {
    const namespaceCreated = this.#phase === BODY;
    if (verdict !== 'pass' && namespaceCreated) {
      // Before the cleanups, which delete what shows what went wrong.
      const diagnostics = await collectDiagnostics({ kube: this.kube, logs: this.env.logs, namespace: this.namespace, components: this.plan.scenario.needs.addons, secrets: this.#secrets, timeoutMs: DIAGNOSTICS_TIMEOUT_MS });
      this.#emit({ type: 'diagnostics', id: this.plan.id, diagnostics });
    }
    for (const cleanup of this.#cleanups.reverse()) {
      await cleanup().catch((err) => this.note(`cleanup failed: ${describeError(err)}`));
    }
    for (const watch of this.#watches) watch.abort();
    if (!this.env.keep && namespaceCreated) {
      await this.kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: this.namespace }).catch((err) => this.note(`namespace not deleted: ${describeError(err)}`));
    }
  }

  #emit(event: EngineEvent): void {
    this.env.emit(redactDeep(event, this.#secrets));
  }

  #timeline(entry: Omit<TimelineEntry, 'at'>): void {
    this.#emit({ type: 'timeline', id: this.plan.id, entry: { at: new Date().toISOString(), ...entry } });
  }

  #record(check: Omit<CheckResult, 'at' | 'proof'>): void {
    const { scenario } = this.plan;
    const proof = scenario.checks && proofOf(scenario, check.name, check.variant);
    if (scenario.checks && !proof) {
      throw new Error(`scenario ${scenario.name} made the check "${check.name}", which is not among the checks it declares (${Object.keys(scenario.checks).join('; ')})`);
    }
    const full = { ...check, ...(proof ? { proof } : {}), at: new Date().toISOString() };
    this.#checks.push(full);
    this.#emit({ type: 'check', id: this.plan.id, check: full });
    this.#timeline({ kind: 'check', message: `${check.status}: ${check.name}${check.variant ? ` [${check.variant}]` : ''}`, data: { expected: check.expected, observed: check.observed } });
  }

  /** A restart the attempt did not declare would go unseen by the scheduler: it fails the attempt instead. */
  #mustRestart(part: string, what: string): void {
    if (this.plan.holds[part] === 'exclusive') return;
    throw new Error(`scenario ${this.plan.scenario.name} ${what} but does not hold it exclusively: its holds() must give { '${part}': 'exclusive' }, so that no other attempt runs meanwhile`);
  }

  #heldControllers(controllers: Controllers): Controllers {
    return {
      run: (name: ControllerName, flags) => {
        this.#mustRestart(name, `runs ${name} with flags of its own`);
        return controllers.run(name, flags);
      },
      stop: (name: ControllerName) => {
        this.#mustRestart(name, `stops ${name}`);
        return controllers.stop(name);
      },
    };
  }

  #heldFaults(faults: Faults): Faults {
    return {
      killPod: (namespace, pod) => faults.killPod(namespace, pod),
      partition: (namespace, service, seconds) => faults.partition(namespace, service, seconds),
      stop: (component) => {
        this.#mustRestart(component, `stops ${component}`);
        return faults.stop(component);
      },
    };
  }

  async watchEvents(onEvent: (event: KubeEvent) => void, fieldSelector?: string): Promise<void> {
    const onGap = (err: Error) => {
      this.#watchGap ??= err;
      this.note(`watch gap: ${err.message}`);
    };
    this.#watches.push(await watchEvents(this.env.kubeConfig, this.namespace, onEvent, { ...(fieldSelector ? { fieldSelector } : {}), onGap }));
  }

  startLoad(request: LoadRequest): RunningLoad {
    return this.#loads.start(request, this.plan.scenario.name);
  }

  sample(series: string, value: number, labels: Readonly<Record<string, string>> = {}): void {
    this.#timeline({ kind: 'sample', message: `${series} ${value}`, data: { series, value, ...labels } });
  }

  threshold(series: string, bound: 'min' | 'max', value: number): void {
    this.#timeline({ kind: 'threshold', message: `${series} ${bound} ${value}`, data: { series, bound, value } });
  }

  async step<R>(name: string, body: () => Promise<R>, { shows = [] }: StepOptions = {}): Promise<R> {
    const id = this.plan.id;
    if (this.env.pause && name.startsWith('when:')) {
      this.#emit({ type: 'pause', id, step: name, shows });
      await this.env.pause(name, shows);
    }
    const t0 = Date.now();
    this.#emit({ type: 'step-begin', id, step: name });
    this.#timeline({ kind: 'step-begin', message: name });
    try {
      const result = await body();
      this.#emit({ type: 'step-end', id, step: name, ok: true, durationMs: Date.now() - t0 });
      this.#timeline({ kind: 'step-end', message: name, data: { durationMs: Date.now() - t0 } });
      return result;
    } catch (err) {
      this.#emit({ type: 'step-end', id, step: name, ok: false, durationMs: Date.now() - t0, error: describeError(err) });
      this.#timeline({ kind: 'step-end', message: name, data: { durationMs: Date.now() - t0, error: describeError(err) } });
      if (typeof err === 'object' && err && !this.#thrownIn.has(err)) this.#thrownIn.set(err, name);
      throw err;
    }
  }

  async waitFor<R>(what: string, probe: () => Promise<R | undefined | false>, timeoutMs: number): Promise<R> {
    const t0 = Date.now();
    const id = this.plan.id;
    this.#emit({ type: 'wait-begin', id, what, timeoutMs });
    try {
      const value = await poll({ what, probe, timeoutMs });
      this.#emit({ type: 'wait-end', id, what, ok: true });
      this.note(`${what} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return value;
    } catch (err) {
      this.#emit({ type: 'wait-end', id, what, ok: false });
      throw err;
    }
  }

  check(name: string, { expected, observed, reason, pass, ...context }: { expected: unknown; observed: unknown; reason: string; pass?: boolean } & CheckContext): boolean {
    const ok = pass ?? isDeepStrictEqual(expected, observed);
    this.#record({ name, status: ok ? 'pass' : 'fail', expected, observed, reason, ...checkContext(context) });
    return ok;
  }

  skip(name: string, reason: string, context: CheckContext = {}): void {
    this.#record({ name, status: 'skipped', expected: null, observed: null, reason, ...checkContext(context) });
  }

  note(message: string, data?: Record<string, unknown>): void {
    this.#timeline({ kind: 'note', message, ...(data ? { data } : {}) });
  }

  metric(name: string, value: number): void {
    this.#metrics[name] = value;
  }

  redact(secret: string): void {
    this.#secrets.add(secret);
  }

  defer(cleanup: () => Promise<void>): void {
    this.#cleanups.push(cleanup);
  }
}
