import type { KubeObject } from '../../clusters/kube/index.ts';
import type { RunningLoad, ScenarioContext } from '../../harness/scenario.ts';
import { apply, viaGateway } from '../scenario-apply.ts';
import { APP, canary, configMap, deployment, gateway, hostFor, isFileGate, metricTemplate, type Analysis, type AppVersion } from './canary-app.ts';
import { CanaryObserver } from './canary-observer.ts';
import { FLAGGER, FlaggerEvents, inOrder, type FlaggerEvent } from './flagger-events.ts';

/** Loads outlive no scenario: the longest a canary scenario may keep one running. */
const MAX_LOAD_SECONDS = 600;

export interface CanaryPlan {
  readonly analysis: Analysis;
  readonly stable: AppVersion;
  readonly config: Record<string, unknown>;
  /** False to exclude the ConfigMap from Flagger's config tracking. */
  readonly configTracked?: boolean;
  /** Steady requests/s through the gateway for the whole scenario; 0 for none. */
  readonly rps: number;
}

export interface CanaryRun {
  readonly host: string;
  readonly events: FlaggerEvents;
  readonly observer: CanaryObserver;
  readonly load: RunningLoad | undefined;
  readonly loadStartedAt: number;
  /** Spans in which a fault, not the environment, starved the canary of traffic. */
  readonly trafficGaps: TrafficGap[];
}

/** No-values halts from `from` to `until` (ms since the epoch) are the fault's, not Prometheus's. */
export interface TrafficGap {
  readonly from: number;
  readonly until: number;
}

type Context = ScenarioContext<unknown>;

/**
 * Given: the demo app as a Flagger Canary behind the gateway, initialised (primary serving), with
 * the harness watching Flagger's events and routes, and steady load running.
 */
export async function givenCanary(t: Context, plan: CanaryPlan): Promise<CanaryRun> {
  const host = hostFor(t.namespace);
  const events = await FlaggerEvents.start(t);
  const observer = new CanaryObserver(t.kube, t.namespace, t.cluster.prometheusUrl, (s, v, l) => t.sample(s, v, l), (phase) => t.sample('canary phase', 0, { phase }));
  const gate = plan.analysis.gate;
  const charted = isFileGate(gate) ? gate.thresholds : gate;
  if (charted.minSuccessRate !== undefined) t.threshold('success rate %', 'min', charted.minSuccessRate);
  if (charted.maxP99Ms !== undefined) t.threshold('p99 ms', 'max', charted.maxP99Ms);
  const { interval, threshold, stepWeight, maxWeight } = plan.analysis;
  if (isFileGate(gate)) {
    t.note(`the gate is ${gate.file}'s analysis, on the demo app (its targetRef and service are the scenario's): interval ${interval} s, threshold ${threshold}, stepWeight ${stepWeight}%, maxWeight ${maxWeight}%`, {
      metrics: (gate.analysis.metrics as Array<{ name: string }>).map((m) => m.name),
      templates: gate.templates.map((m) => m.metadata.name),
    });
  }
  await t.step('given: the app as a Canary behind the gateway, initialised by Flagger', async () => {
    for (const template of isFileGate(gate) ? gate.templates : []) await apply(t, metricTemplate(t.namespace, template, t.cluster.metricsServer));
    await apply(t, configMap(t.namespace, plan.config, plan.configTracked));
    await apply(t, deployment(t.namespace, plan.stable));
    await apply(t, gateway(t.namespace));
    await apply(t, canary(t.namespace, plan.analysis));
    observer.start();
    t.defer(() => observer.stop());
    await t.waitFor('Flagger to initialise the canary', async () => observer.latest?.status.phase === 'Initialized', 120_000);
    await t.waitFor('the primary to serve through the gateway', async () => (await viaGateway(t.cluster.gatewayUrl, host)).status === 200, 30_000);
  });
  const loadStartedAt = Date.now();
  const load = plan.rps > 0 ? t.startLoad({ name: 'steady', host, profile: { kind: 'steady', rps: plan.rps, seconds: MAX_LOAD_SECONDS } }) : undefined;
  return { host, events, observer, load, loadStartedAt, trafficGaps: [] };
}

/** When: a new revision of the target Deployment (a changed pod template). */
export async function whenNewVersion(t: Context, version: AppVersion): Promise<void> {
  await t.step(`when: ${version.version} (error rate ${version.errorRate ?? 0}, latency ${version.latencyMs ?? 0} ms) is deployed to the target`, () => apply(t, deployment(t.namespace, version)), {
    shows: canaryWatch(t.namespace),
  });
}

/** What a trainer watches while Flagger works: the Canary's phase and weight, the routes, the Deployments. */
export function canaryWatch(namespace: string): ReadonlyArray<readonly string[]> {
  return [
    ['-n', namespace, 'get', 'canary', APP, '--watch'],
    ['-n', namespace, 'get', 'virtualservice', APP, '-o', 'jsonpath={.spec.http[0].route}'],
    ['-n', namespace, 'get', 'deployments', '--watch'],
  ];
}

/**
 * Waits until Flagger ends the analysis (Succeeded or Failed) or the deadline passes. When Flagger
 * cannot read its metrics (Prometheus unreachable, or "no values found" under load) the gate judged
 * nothing, which is the environment's fault: the scenario ends as an error, never a pass or a fail.
 */
export async function untilAnalysisEnds(t: Context, run: CanaryRun, deadlineMs: number): Promise<string> {
  const ended = await t
    .waitFor(
      'Flagger to end the analysis',
      async () => {
        const problem = metricsProblem(run.events.events, run.load !== undefined, run.trafficGaps);
        if (problem) return { problem };
        const phase = run.observer.latest?.status.phase;
        return phase === 'Succeeded' || phase === 'Failed' ? { phase } : undefined;
      },
      deadlineMs,
    )
    // Past the deadline the checks judge whatever phase Flagger reached.
    .catch(() => ({ phase: run.observer.latest?.status.phase ?? 'unknown' }));
  if ('problem' in ended) throw ended.problem;
  return ended.phase;
}

/** The environment, not the mechanism, is at fault; the scenario ends as an error. */
export class EnvironmentProblem extends Error {
  override name = 'EnvironmentProblem';
}

/**
 * Flagger's own word that its gate judged nothing: a Prometheus query that failed, or (when the
 * canary had traffic) a "no values found" halt, meaning Istio metrics do not reach Prometheus.
 * A halt inside a fault's traffic gap is the fault's doing, and Flagger counts it as a failed check.
 */
export function metricsProblem(events: readonly FlaggerEvent[], underLoad: boolean, gaps: readonly TrafficGap[] = []): EnvironmentProblem | undefined {
  const unreachable = events.find((e) => FLAGGER.prometheusFailed.test(e.message));
  // The PromQL in the URL is Flagger's, not news to the reader.
  const said = unreachable?.message.replace(/\?query=[^"\s]*/g, '?query=…');
  if (said) return new EnvironmentProblem(`Flagger could not query Prometheus ("${said}"): the gate judged nothing; check that Prometheus runs and Flagger reaches it`);
  const excused = (e: FlaggerEvent) => gaps.some((g) => e.at >= g.from && e.at <= g.until);
  const halt = underLoad ? events.find((e) => FLAGGER.noValues.test(e.message) && !excused(e)) : undefined;
  return halt && new EnvironmentProblem(`Flagger found no metric values for the canary ("${halt.message}"): send it traffic, and check that Istio metrics reach Prometheus`);
}

/** The routes, canary replicas and phase after a rollback, in the terms the checks compare. */
export async function afterRollback(t: Context, run: CanaryRun) {
  const target = await t.kube.get<KubeObject & { spec: { replicas?: number } }>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: t.namespace, name: APP });
  const last = run.observer.latest;
  return { routes: last?.routes ?? {}, canaryReplicas: target.spec.replicas ?? 1, phase: last?.status.phase };
}

export const EXPECTED_AFTER_ROLLBACK = { routes: { [`${APP}-primary`]: 100, [`${APP}-canary`]: 0 }, canaryReplicas: 0, phase: 'Failed' };

/** Seconds Flagger may take beyond its own ticks: a tick's alignment, a poll, a scrape. */
export const SLACK_SECONDS = 5;

/** Checks that Flagger's events contain `steps` as an ordered subsequence. */
export function checkEventOrder(t: Context, name: string, run: CanaryRun, steps: ReadonlyArray<[string, RegExp]>, reason: string): void {
  const order = inOrder(run.events.events, steps);
  t.check(name, {
    expected: steps.map(([step]) => step).join(' → '),
    observed: order.ok ? order.seen.join(' → ') : `${order.seen.join(' → ') || 'nothing'}, then no "${order.missing}"`,
    pass: order.ok,
    reason,
  });
}
