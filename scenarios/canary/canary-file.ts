import { isIP } from 'node:net';
import type { KubeObject } from '../../clusters/kube/index.ts';
import { type FileTunableSpec } from '../../harness/tunables.ts';
import { TunableError } from '../../harness/tunable-error.ts';
import { isObject, kindsOf, nameOf, problem, readManifests, type Json } from '../manifest-file.ts';
import type { FileGate, Gate, Pacing } from './canary-app.ts';
import { analysisTunables } from './canary-tunables.ts';

const FLAGGER_API = 'flagger.app/v1beta1';
/** Flagger's builtin checks for Istio, which need no MetricTemplate. */
const BUILTIN_METRICS = ['request-success-rate', 'request-duration'];

/** Seconds in a Go duration as Flagger's fields take them (`30s`, `1m`, `1m30s`). */
function seconds(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (!m || value === '') return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

function onLoopback(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  return host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** The file's pacing, each within the bounds the scenario's own tunable of that name has. */
function pacingOf(analysis: Json, where: string): Partial<Pacing> {
  const pacing: { -readonly [K in keyof Pacing]?: number } = {};
  for (const key of ['interval', 'threshold', 'stepWeight', 'maxWeight'] as const) {
    const raw = analysis[key];
    if (raw === undefined) continue;
    const value = key === 'interval' ? seconds(raw) : typeof raw === 'number' ? raw : undefined;
    const field = `spec.analysis.${key}`;
    if (value === undefined) throw problem(where, field, `is ${JSON.stringify(raw)}: expected ${key === 'interval' ? 'a duration such as 30s or 1m' : 'a number'}`);
    const { min, max } = analysisTunables[key];
    if (value < min || value > max) throw problem(where, field, `is ${JSON.stringify(raw)}: must be between ${min} and ${max}${key === 'interval' ? ' s' : ''}`);
    pacing[key] = value;
  }
  return pacing;
}

function checkTemplate(doc: Json, file: string): KubeObject {
  const name = nameOf(doc);
  const where = `${file}: MetricTemplate ${name ?? '(unnamed)'}`;
  if (!name) throw problem(where, 'metadata.name', 'is missing');
  const spec = isObject(doc.spec) ? doc.spec : {};
  const provider = isObject(spec.provider) ? spec.provider : {};
  if (provider.type !== 'prometheus') {
    throw problem(where, 'spec.provider.type', `is ${JSON.stringify(provider.type ?? null)}: the harness's metrics (Istio's, from the mesh) are in Prometheus, so only "prometheus" can work`);
  }
  if (provider.secretRef !== undefined) throw problem(where, 'spec.provider.secretRef', "is set: the harness's Prometheus takes no credentials, and the Secret would not exist");
  if (typeof spec.query !== 'string' || !spec.query.trim()) throw problem(where, 'spec.query', 'is missing: a MetricTemplate is its PromQL query');
  return { apiVersion: FLAGGER_API, kind: 'MetricTemplate', metadata: { name }, spec };
}

/**
 * The metrics as the scenario's Canary takes them: templateRefs without a namespace, because the
 * templates move into the scenario's namespace with the Canary.
 */
function checkMetrics(metrics: unknown, templates: readonly string[], where: string): Json[] {
  if (metrics === undefined) return [];
  if (!Array.isArray(metrics)) throw problem(where, 'spec.analysis.metrics', 'is not a list');
  return metrics.map((metric: unknown, i) => {
    const field = `spec.analysis.metrics[${i}]`;
    if (!isObject(metric) || typeof metric.name !== 'string') throw problem(where, `${field}.name`, 'is missing');
    if (metric.interval !== undefined && seconds(metric.interval) === undefined) throw problem(where, `${field}.interval`, `is ${JSON.stringify(metric.interval)}: expected a duration such as 1m`);
    const range = metric.thresholdRange;
    if (range !== undefined && (!isObject(range) || Object.entries(range).some(([k, v]) => !['min', 'max'].includes(k) || typeof v !== 'number'))) {
      throw problem(where, `${field}.thresholdRange`, `is ${JSON.stringify(range)}: expected min and/or max, each a number`);
    }
    if (metric.templateRef === undefined) {
      if (!BUILTIN_METRICS.includes(metric.name)) throw problem(where, `${field}.name`, `is "${metric.name}", which is not one of Flagger's builtin checks (${BUILTIN_METRICS.join(', ')}) and has no templateRef`);
      return metric;
    }
    const ref = isObject(metric.templateRef) ? metric.templateRef.name : undefined;
    if (typeof ref !== 'string' || !templates.includes(ref)) {
      throw problem(where, `${field}.templateRef`, `names MetricTemplate ${JSON.stringify(ref ?? null)}, which is not in the file (it has: ${templates.join(', ') || 'none'})`);
    }
    return { ...metric, templateRef: { name: ref } };
  });
}

function checkWebhooks(webhooks: unknown, where: string): void {
  if (webhooks === undefined) return;
  if (!Array.isArray(webhooks)) throw problem(where, 'spec.analysis.webhooks', 'is not a list');
  webhooks.forEach((hook: unknown, i) => {
    const url = isObject(hook) ? hook.url : undefined;
    if (typeof url !== 'string' || !onLoopback(url)) {
      throw problem(where, `spec.analysis.webhooks[${i}].url`, `is ${JSON.stringify(url ?? null)}: the harness lets Flagger call only http(s) URLs on 127.0.0.0/8`);
    }
  });
}

/** Analysis fields that cannot work in a scenario that measures progressive traffic shifting. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  iterations: 'makes it a blue/green or A/B analysis; the canary scenarios measure progressive traffic shifting (stepWeight up to maxWeight)',
  match: 'makes it an A/B analysis; the canary scenarios measure progressive traffic shifting (stepWeight up to maxWeight)',
  stepWeights: 'is not measured: the checks count ticks of one stepWeight',
  alerts: "would send alerts to chat services; the harness's traffic stays on loopback",
  mirror: 'is not measured: the checks read the weighted routes',
};

/** The builtin checks' bounds, drawn on the timeline's charts. */
function chartedThresholds(metrics: readonly Json[]): Gate {
  const range = (name: string) => metrics.find((m) => m.name === name && m.templateRef === undefined)?.thresholdRange as { min?: number; max?: number } | undefined;
  const minSuccessRate = range('request-success-rate')?.min;
  const maxP99Ms = range('request-duration')?.max;
  return { ...(minSuccessRate === undefined ? {} : { minSuccessRate }), ...(maxP99Ms === undefined ? {} : { maxP99Ms }) };
}

/**
 * A user's Canary file: one Canary and the MetricTemplates it uses. Its analysis (metrics,
 * thresholds, webhooks, pacing) replaces the scenario's gate; its target and service do not, since
 * the scenario rolls out its own app. Whatever cannot work is named by object and field.
 */
export function readCanaryFile(file: string): FileGate {
  const objects = readManifests(file);
  const canaries = objects.filter((o) => o.kind === 'Canary' && o.apiVersion === FLAGGER_API);
  const others = objects.filter((o) => !(o.kind === 'Canary' || o.kind === 'MetricTemplate') || o.apiVersion !== FLAGGER_API);
  if (canaries.length !== 1 || others.length) {
    throw new TunableError(`${file}: expected one Canary and its MetricTemplates (${FLAGGER_API}), found ${kindsOf(objects)}`);
  }
  const canary = canaries[0]!;
  const where = `${file}: Canary ${nameOf(canary) ?? '(unnamed)'}`;
  const spec = isObject(canary.spec) ? canary.spec : {};
  const target = spec.targetRef;
  if (!isObject(target)) throw problem(where, 'spec.targetRef', 'is missing: Flagger needs the Deployment it rolls out');
  if (target.kind !== 'Deployment') throw problem(where, 'spec.targetRef.kind', `is ${JSON.stringify(target.kind ?? null)}: the canary scenarios roll out a Deployment`);
  if (!isObject(spec.analysis)) throw problem(where, 'spec.analysis', 'is missing: it is the gate under test');
  const { interval: _i, threshold: _t, stepWeight: _s, maxWeight: _m, metrics, ...rest } = spec.analysis;
  for (const [key, why] of Object.entries(UNSUPPORTED)) if (rest[key] !== undefined) throw problem(where, `spec.analysis.${key}`, why);
  checkWebhooks(rest.webhooks, where);

  const templates = objects.filter((o) => o.kind === 'MetricTemplate').map((o) => checkTemplate(o, file));
  const checked = checkMetrics(metrics, templates.map((t) => t.metadata.name!), where);
  const pacing = pacingOf(spec.analysis, where);
  if (spec.skipAnalysis !== undefined && typeof spec.skipAnalysis !== 'boolean') throw problem(where, 'spec.skipAnalysis', 'is not true or false');
  return {
    file,
    pacing,
    analysis: { ...rest, metrics: checked },
    templates,
    skipAnalysis: spec.skipAnalysis === true,
    thresholds: chartedThresholds(checked),
  };
}

/** `--set canary=FILE`: the user's Canary, whose analysis is the gate under test. */
export const canaryFileTunable: FileTunableSpec<FileGate> = {
  type: 'file',
  description: "a Canary manifest (with the MetricTemplates it uses): its analysis replaces the tutorial gate; its pacing wins over the tunables'",
  read: readCanaryFile,
};
