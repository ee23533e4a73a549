import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import type { AttemptId, EngineEvent, TimelineEntry } from './events.ts';
import { KubeClient, watchEvents, type KubeEvent } from '../clusters/kube/index.ts';
import { ProviderError, SCENARIO_LABEL, type ClusterConnection, type Controllers, type Faults, type LogSource } from '../clusters/provider.ts';
import { collectDiagnostics } from './diagnostics.ts';
import { redactDeep } from './redaction.ts';
import { decideVerdict, type CheckResult, type Verdict } from './results.ts';
import { scenarioTunables, type CheckContext, type LoadRequest, type LoadWindow, type RunningLoad, type Scenario, type ScenarioContext } from './scenario.ts';
import { LoadMetrics, isFailure, runLoad, type LoadResult } from '../load/index.ts';
import { MetricsEndpoint } from './metrics-endpoint.ts';
import { shownTunables } from './tunables.ts';

/** What loads need: the vegeta binary, and where raw results go. */
export interface LoadTools {
  readonly vegeta: string;
  readonly resultsDir: string;
}

export interface RunOptions {
  readonly scenarios: readonly Scenario[];
  /** `--set` values; each applies to the scenarios that declare the key. */
  readonly settings: Readonly<Record<string, string>>;
  readonly repeat: number;
  readonly keep: boolean;
  readonly cluster: ClusterConnection;
  readonly controllers: Controllers;
  /** The provider session's faults; absent where it cannot inject any. */
  readonly faults?: Faults;
  /** The provider session's logs, read for a failed or errored attempt's diagnostics. */
  readonly logs?: LogSource;
  /** Absent when no selected scenario needs load. */
  readonly load?: LoadTools;
  readonly emit: (event: EngineEvent) => void;
  /** --pause: resolves when the user lets the when-step begin. */
  readonly pause?: (step: string, shows: ReadonlyArray<readonly string[]>) => Promise<void>;
}

/** The harness's metrics endpoint, started with the first load of a run and kept until its end. */
class LoadMetricsTarget {
  readonly metrics = new LoadMetrics();
  private endpoint: Promise<MetricsEndpoint> | undefined;
  constructor(private readonly scrapeTargetsDir: string | undefined) {}
  /** Serves the load metrics where the provider's Prometheus can scrape them; a no-op where it cannot. */
  async ensure(): Promise<void> {
    if (this.scrapeTargetsDir) await (this.endpoint ??= MetricsEndpoint.start(this.metrics.registry, this.scrapeTargetsDir, 'testbed-load'));
  }
  async stop(): Promise<void> {
    // An endpoint that never started has cleaned up after itself.
    await (await this.endpoint?.catch(() => undefined))?.stop();
  }
}


/** Settings a scenario declares, out of all those given on the command line. */
function settingsFor(scenario: Scenario, settings: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).filter(([k]) => k in scenario.tunables));
}

/** Only the context a check was given, so results without a variant or chain stay as they were. */
const checkContext = ({ variant, chain }: CheckContext): CheckContext => ({ ...(variant ? { variant } : {}), ...(chain ? { chain } : {}) });

/** What clients of one load saw from now on: the results arriving after this call. */
function windowOver(results: readonly LoadResult[]): LoadWindow {
  const from = results.length;
  return {
    read() {
      const seen = results.slice(from);
      const failuresByStatus: Record<string, number> = {};
      for (const r of seen) if (isFailure(r.code)) failuresByStatus[r.code] = (failuresByStatus[r.code] ?? 0) + 1;
      const latencies = seen.map((r) => r.latencyMs).sort((a, b) => a - b);
      const p99Ms = latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)]! : 0;
      return { requests: seen.length, failures: Object.values(failuresByStatus).reduce((a, b) => a + b, 0), failuresByStatus, p99Ms };
    },
  };
}

/** Faults on a provider that injects none: each says so. */
function noFaults(provider: string): Faults {
  const refuse = (): never => {
    throw new ProviderError(`the ${provider} provider cannot inject faults; run faults on the embedded provider`);
  };
  return { killPod: async () => refuse(), stop: async () => refuse(), partition: async () => refuse() };
}

const describeError = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** How long a failed attempt may spend collecting its diagnostics before its cleanups run. */
const DIAGNOSTICS_TIMEOUT_MS = 15_000;

async function runAttempt(scenario: Scenario, attempt: number, options: RunOptions, kube: KubeClient, kc: KubeConfig, loadTarget: LoadMetricsTarget): Promise<Verdict> {
  const id: AttemptId = { scenario: scenario.name, attempt };
  const secrets = new Set<string>();
  const emit = (event: EngineEvent) => options.emit(redactDeep(event, secrets));
  const started = Date.now();
  const now = () => new Date().toISOString();
  const timeline = (entry: Omit<TimelineEntry, 'at'>) => emit({ type: 'timeline', id, entry: { at: now(), ...entry } });
  const checks: CheckResult[] = [];
  const metrics: Record<string, number> = {};
  const cleanups: Array<() => Promise<void>> = [];
  let crash: { step: string; error: string } | undefined;
  let currentStep = '(setup)';
  /** The innermost step each error came out of: what a crash is blamed on, once the steps around it have unwound. */
  const thrownIn = new WeakMap<object, string>();
  const settings = settingsFor(scenario, options.settings);
  const tunables = scenarioTunables(scenario, settings);
  const namespace = `tb-${scenario.name}-${randomBytes(3).toString('hex')}`.slice(0, 63);
  emit({ type: 'attempt-begin', id, namespace, tunables: shownTunables(scenario.tunables, tunables, settings) });

  const watches: AbortController[] = [];
  let watchGap: Error | undefined;
  const watchNamespaceEvents = async (onEvent: (event: KubeEvent) => void, fieldSelector?: string) => {
    const onGap = (err: Error) => {
      watchGap ??= err;
      timeline({ kind: 'note', message: `watch gap: ${err.message}` });
    };
    watches.push(await watchEvents(kc, namespace, onEvent, { ...(fieldSelector ? { fieldSelector } : {}), onGap }));
  };
  const record = (check: Omit<CheckResult, 'at'>) => {
    const full = { ...check, at: now() };
    checks.push(full);
    emit({ type: 'check', id, check: full });
    timeline({ kind: 'check', message: `${check.status}: ${check.name}${check.variant ? ` [${check.variant}]` : ''}`, data: { expected: check.expected, observed: check.observed } });
  };

  const loads = new Set<RunningLoad>();
  const sample = (series: string, value: number, labels: Readonly<Record<string, string>> = {}) =>
    timeline({ kind: 'sample', message: `${series} ${value}`, data: { series, value, ...labels } });
  const startLoad = ({ name, host, path = '/', profile }: LoadRequest): RunningLoad => {
    const tools = options.load;
    if (!tools) throw new Error(`scenario ${scenario.name} starts a load but does not list vegeta in its needs`);
    const abort = new AbortController();
    const loadName = `${scenario.name}-${attempt}-${name}`;
    let seen = { requests: 0, failures: 0 };
    const results: LoadResult[] = [];
    timeline({ kind: 'note', message: `load ${name} starts: ${JSON.stringify(profile)} to Host ${host}${path}` });
    const done = loadTarget.ensure().then(() =>
      runLoad({
        vegeta: tools.vegeta,
        name: loadName,
        target: { url: `${options.cluster.gatewayUrl}${path}`, host },
        profile,
        workDir: tools.resultsDir,
        env: options.cluster.processEnv,
        signal: abort.signal,
        onResult: (r) => {
          results.push(r);
          loadTarget.metrics.observe(loadName, r);
        },
        onProgress: (p) => {
          sample('load rps', p.requests - seen.requests, { load: name });
          sample('load errors', p.failures - seen.failures, { load: name });
          seen = { requests: p.requests, failures: p.failures };
        },
      }),
    );
    const running: RunningLoad = {
      done,
      stop: () => {
        abort.abort();
        return done;
      },
      window: () => windowOver(results),
    };
    loads.add(running);
    done.then(
      (s) => timeline({ kind: 'note', message: `load ${name} ended: ${s.requests} requests, ${s.failures} failed, p99 ${s.latencyMs.p99.toFixed(1)} ms`, data: { failuresByStatus: s.failuresByStatus } }),
      () => {},
    );
    return running;
  };

  const context: ScenarioContext<Record<string, unknown>> = {
    tunables,
    namespace,
    kube,
    kubeconfig: options.cluster.kubeconfig,
    cluster: { gatewayUrl: options.cluster.gatewayUrl, prometheusUrl: options.cluster.prometheusUrl, metricsServer: options.cluster.metricsServer },
    controllers: options.controllers,
    faults: options.faults ?? noFaults(options.cluster.provider),
    watchEvents: watchNamespaceEvents,
    startLoad,
    sample,
    threshold(series, bound, value) {
      timeline({ kind: 'threshold', message: `${series} ${bound} ${value}`, data: { series, bound, value } });
    },
    async step(name, body, { shows = [] } = {}) {
      if (options.pause && name.startsWith('when:')) {
        emit({ type: 'pause', id, step: name, shows });
        await options.pause(name, shows);
      }
      const outer = currentStep;
      currentStep = name;
      const t0 = Date.now();
      emit({ type: 'step-begin', id, step: name });
      timeline({ kind: 'step-begin', message: name });
      try {
        const result = await body();
        emit({ type: 'step-end', id, step: name, ok: true, durationMs: Date.now() - t0 });
        timeline({ kind: 'step-end', message: name, data: { durationMs: Date.now() - t0 } });
        return result;
      } catch (err) {
        emit({ type: 'step-end', id, step: name, ok: false, durationMs: Date.now() - t0, error: describeError(err) });
        timeline({ kind: 'step-end', message: name, data: { durationMs: Date.now() - t0, error: describeError(err) } });
        if (typeof err === 'object' && err && !thrownIn.has(err)) thrownIn.set(err, name);
        throw err;
      } finally {
        currentStep = outer;
      }
    },
    async waitFor(what, probe, timeoutMs) {
      const t0 = Date.now();
      let last: unknown;
      emit({ type: 'wait-begin', id, what, timeoutMs });
      while (Date.now() - t0 < timeoutMs) {
        try {
          const value = await probe();
          if (value) {
            emit({ type: 'wait-end', id, what, ok: true });
            timeline({ kind: 'note', message: `${what} after ${((Date.now() - t0) / 1000).toFixed(1)} s` });
            return value;
          }
        } catch (err) {
          last = err;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      emit({ type: 'wait-end', id, what, ok: false });
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `; last error: ${describeError(last)}` : ''}`);
    },
    check(name, { expected, observed, reason, pass, ...context }) {
      const ok = pass ?? isDeepStrictEqual(expected, observed);
      record({ name, status: ok ? 'pass' : 'fail', expected, observed, reason, ...checkContext(context) });
      return ok;
    },
    skip(name, reason, context = {}) {
      record({ name, status: 'skipped', expected: null, observed: null, reason, ...checkContext(context) });
    },
    note(message, data) {
      timeline({ kind: 'note', message, ...(data ? { data } : {}) });
    },
    metric(name, value) {
      metrics[name] = value;
    },
    redact(secret) {
      secrets.add(secret);
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
  };

  try {
    const missing = [...scenario.needs.components, ...scenario.needs.addons].filter((c) => !(c in options.cluster.versions));
    if (missing.length) {
      throw new Error(`needs ${missing.join(', ')}, which provider ${options.cluster.provider} does not supply (it has ${Object.keys(options.cluster.versions).join(', ')})`);
    }
    await context.step('create namespace', async () => {
      await kube.call('POST', '/api/v1/namespaces', {
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { ...options.cluster.namespaceLabels, [SCENARIO_LABEL]: scenario.name } } },
      });
      await watchNamespaceEvents((event) =>
        timeline({
          kind: 'kube-event',
          message: `${event.involvedObject?.kind}/${event.involvedObject?.name} ${event.reason}: ${event.message}`,
          data: { type: event.type, reason: event.reason, source: event.reportingComponent || event.source?.component || '' },
        }),
      );
    });
    currentStep = '(scenario body)';
    await scenario.run(context as ScenarioContext<never>);
  } catch (err) {
    crash = { step: (typeof err === 'object' && err && thrownIn.get(err)) || currentStep, error: describeError(err) };
  }
  for (const load of loads) await load.stop().catch(() => {});
  // A check that read a watch with a hole in it judged on missing events: the environment failed.
  if (watchGap && !crash) crash = { step: 'watch the namespace', error: watchGap.message };
  const namespaceCreated = currentStep !== '(setup)';
  const { verdict, decidedBy } = decideVerdict(checks, crash);
  if (verdict !== 'pass' && namespaceCreated) {
    // Before the cleanups, which delete what shows what went wrong.
    const diagnostics = await collectDiagnostics({ kube, logs: options.logs, namespace, components: scenario.needs.addons, secrets, timeoutMs: DIAGNOSTICS_TIMEOUT_MS });
    emit({ type: 'diagnostics', id, diagnostics });
  }
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch((err) => timeline({ kind: 'note', message: `cleanup failed: ${describeError(err)}` }));
  }
  for (const watch of watches) watch.abort();
  if (!options.keep && namespaceCreated) {
    await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: namespace }).catch((err) => timeline({ kind: 'note', message: `namespace not deleted: ${describeError(err)}` }));
  }
  emit({ type: 'attempt-end', id, verdict, decidedBy, durationMs: Date.now() - started, metrics });
  return verdict;
}

/** Runs each scenario `repeat` times, in order, emitting events. Resolves with every verdict. */
export async function runScenarios(options: RunOptions): Promise<Verdict[]> {
  const started = Date.now();
  const kc = new KubeConfig();
  kc.loadFromFile(options.cluster.kubeconfig);
  const kube = await KubeClient.fromKubeConfig(kc);
  const loadTarget = new LoadMetricsTarget(options.cluster.scrapeTargetsDir);
  options.emit({
    type: 'run-begin',
    scenarios: options.scenarios.map((s) => s.name),
    repeat: options.repeat,
    provider: options.cluster.provider,
    versions: options.cluster.versions,
  });
  const verdicts: Verdict[] = [];
  try {
    // Ready before the first scenario, so a load starts the moment a scenario asks for it.
    if (options.load) await loadTarget.ensure();
    for (const scenario of options.scenarios) {
      for (let attempt = 1; attempt <= options.repeat; attempt++) verdicts.push(await runAttempt(scenario, attempt, options, kube, kc, loadTarget));
    }
  } finally {
    kube.close();
    await loadTarget.stop();
    options.emit({ type: 'run-end', durationMs: Date.now() - started });
  }
  return verdicts;
}
