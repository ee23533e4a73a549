import type { KubeObject } from '../../clusters/kube/index.ts';

export const APP = 'web';
const GATEWAY = 'web-gateway';
export const CONFIG = 'web-config';

/** What the demo app is told to be; env keys the demo app reads. */
export interface AppVersion {
  readonly version: string;
  readonly errorRate?: number;
  readonly latencyMs?: number;
}

/** Flagger's builtin checks, each present only when given; with neither the gate promotes anything. */
export interface Gate {
  /** request-success-rate's thresholdRange.min, %. */
  readonly minSuccessRate?: number;
  /** request-duration's thresholdRange.max: p99, ms. */
  readonly maxP99Ms?: number;
}

/** The gate of Flagger's Istio tutorial. */
export const TUTORIAL_GATE = { minSuccessRate: 99, maxP99Ms: 500 } as const satisfies Gate;

/**
 * A gate from a user's Canary file: its analysis as written, less the pacing, with the
 * MetricTemplates it uses (applied to the scenario's namespace, their address the cluster's).
 */
export interface FileGate {
  readonly file: string;
  readonly pacing: Partial<Pacing>;
  readonly analysis: Readonly<Record<string, unknown>>;
  readonly templates: readonly KubeObject[];
  readonly skipAnalysis: boolean;
  /** Its builtin checks' bounds, for the charts. */
  readonly thresholds: Gate;
}

export const isFileGate = (gate: Gate | FileGate): gate is FileGate => 'file' in gate;

/** How fast Flagger walks the canary, in seconds and percent. */
export interface Pacing {
  readonly interval: number;
  readonly threshold: number;
  readonly stepWeight: number;
  readonly maxWeight: number;
}

export interface Analysis extends Pacing {
  readonly gate: Gate | FileGate;
}

export const hostFor = (namespace: string) => `${APP}.${namespace}.example.com`;

const env = (v: AppVersion) => [
  { name: 'VERSION', value: v.version },
  { name: 'ERROR_RATE', value: String(v.errorRate ?? 0) },
  { name: 'LATENCY_MS', value: String(v.latencyMs ?? 0) },
];

/** The target Deployment: 2 replicas of the demo app, ready on /readyz, mounting its ConfigMap. */
export function deployment(namespace: string, v: AppVersion): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: APP, namespace },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: APP } },
      template: {
        metadata: { labels: { app: APP } },
        spec: {
          containers: [{
            name: 'app',
            image: 'delivery-testbed/demo-app:1',
            env: env(v),
            ports: [{ name: 'http', containerPort: 8080 }],
            readinessProbe: { httpGet: { path: '/readyz', port: 8080 }, periodSeconds: 1 },
            volumeMounts: [{ name: 'config', mountPath: '/etc/demo-app' }],
          }],
          volumes: [{ name: 'config', configMap: { name: CONFIG } }],
        },
      },
    },
  };
}

/**
 * The ConfigMap the app serves on /config; its `errorRate`, when set, overrides the env. Untracked,
 * Flagger neither copies it for the primary nor starts an analysis when it changes.
 */
export const configMap = (namespace: string, config: Record<string, unknown>, tracked = true): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: CONFIG, namespace, ...(tracked ? {} : { annotations: { 'flagger.app/config-tracking': 'disabled' } }) },
  data: { 'config.json': JSON.stringify(config) },
});

export const gateway = (namespace: string): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name: GATEWAY, namespace },
  spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [hostFor(namespace)] }] },
});

/** The range each gate metric's query reads, as Flagger's Istio tutorial sets it. */
export const METRIC_WINDOW_SECONDS = 30;

function builtinMetrics(gate: Gate) {
  return [
    ...(gate.minSuccessRate === undefined ? [] : [{ name: 'request-success-rate', thresholdRange: { min: gate.minSuccessRate }, interval: `${METRIC_WINDOW_SECONDS}s` }]),
    ...(gate.maxP99Ms === undefined ? [] : [{ name: 'request-duration', thresholdRange: { max: gate.maxP99Ms }, interval: `${METRIC_WINDOW_SECONDS}s` }]),
  ];
}

/** A user's MetricTemplate, moved into the scenario's namespace and pointed at the cluster's Prometheus. */
export function metricTemplate(namespace: string, template: KubeObject, metricsServer: string): KubeObject {
  const spec = template.spec as { provider: Record<string, unknown> };
  return { ...template, metadata: { name: template.metadata.name, namespace }, spec: { ...spec, provider: { ...spec.provider, address: metricsServer } } };
}

/** A Canary as Flagger's Istio tutorial writes one, or with the analysis of a user's file. */
export function canary(namespace: string, a: Analysis): KubeObject {
  const interval = `${a.interval}s`;
  const pacing = { interval, threshold: a.threshold, stepWeight: a.stepWeight, maxWeight: a.maxWeight };
  return {
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name: APP, namespace },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: APP },
      progressDeadlineSeconds: 60,
      ...(isFileGate(a.gate) && a.gate.skipAnalysis ? { skipAnalysis: true } : {}),
      service: { port: 80, targetPort: 8080, gateways: [GATEWAY], hosts: [hostFor(namespace)] },
      analysis: isFileGate(a.gate) ? { ...a.gate.analysis, ...pacing } : { ...pacing, metrics: builtinMetrics(a.gate) },
    },
  };
}
