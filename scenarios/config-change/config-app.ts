import type { KubeObject } from '../../clusters/kube/index.ts';
import type { ScenarioContext } from '../../harness/scenario.ts';
import { apply } from '../scenario-apply.ts';

export const REPLICAS = 3;
const GATEWAY = 'config-gateway';
/** The key of the Secret the app takes as env; its value never leaves the attempt unredacted. */
export const SECRET_KEY = 'token';

/** What the app is configured with at one moment of the story. */
export interface ConfigState {
  /** The JSON the app serves on /config, from its mounted ConfigMap. */
  readonly config: { readonly version: string; readonly message: string };
  /** Labels on the app's ConfigMap: changing only these changes no data. */
  readonly configLabels: Readonly<Record<string, string>>;
  /** The Secret's value, which reaches the app as env API_TOKEN. */
  readonly token: string;
  /** Data of a ConfigMap the app does not use. */
  readonly unrelated: string;
}

/** One mechanism's copy of the app: its own Deployment, configs, Service and Host. */
export interface AppNames {
  readonly app: string;
  readonly config: string;
  readonly secret: string;
  readonly unrelated: string;
  readonly host: string;
}

export const appNames = (app: string, namespace: string): AppNames => ({
  app,
  config: `${app}-config`,
  secret: `${app}-secret`,
  unrelated: `${app}-unrelated`,
  host: `${app}.${namespace}.example.com`,
});

/** How the workload is set up: the safe rollout, or the sabotage that drops every pod at once. */
export interface RolloutShape {
  /** Annotations on the Deployment's own metadata (how Reloader and Wave find it). */
  readonly annotations: Readonly<Record<string, string>>;
  /** `maxUnavailable: 100%` and no readiness probe: users see the gap between old and new pods. */
  readonly unsafeRollout: boolean;
}

/** The demo app's shape, with the names its pod template references (kustomize rewrites them to hashed names). */
export interface WorkloadShape extends RolloutShape {
  readonly configRef: string;
  readonly secretRef: string;
}

export const configData = (s: ConfigState) => ({ 'config.json': JSON.stringify(s.config) });

export const configMap = (namespace: string, name: string, data: Record<string, string>, labels: Readonly<Record<string, string>> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, labels: { ...labels } },
  data,
});

export const secret = (namespace: string, name: string, token: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace },
  type: 'Opaque',
  stringData: { [SECRET_KEY]: token },
});

/**
 * The demo app, 3 replicas: it mounts its ConfigMap (served on /config) and takes env from its
 * Secret; RollingUpdate with maxUnavailable 0 and a readiness probe, so users see no gap.
 */
export function workload(namespace: string, n: AppNames, shape: WorkloadShape): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: n.app, namespace, annotations: { ...shape.annotations } },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: n.app } },
      strategy: { type: 'RollingUpdate', rollingUpdate: shape.unsafeRollout ? { maxUnavailable: '100%', maxSurge: 0 } : { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: { app: n.app } },
        spec: {
          containers: [{
            name: 'app',
            image: 'delivery-testbed/demo-app:1',
            env: [
              { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: shape.secretRef, key: SECRET_KEY } } },
              // As a preStop sleep does behind a real proxy: the mesh sees the pod leave before it stops listening.
              { name: 'DRAIN_MS', value: '1000' },
            ],
            ports: [{ name: 'http', containerPort: 8080 }],
            ...(shape.unsafeRollout ? {} : { readinessProbe: { httpGet: { path: '/readyz', port: 8080 }, periodSeconds: 1 } }),
            volumeMounts: [{ name: 'config', mountPath: '/etc/demo-app' }],
          }],
          volumes: [{ name: 'config', configMap: { name: shape.configRef } }],
        },
      },
    },
  };
}

export const service = (namespace: string, n: AppNames): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: n.app, namespace },
  spec: { selector: { app: n.app }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
});

/** A ConfigMap's content as Reloader hashes it. */
export interface ConfigContent {
  readonly data: Readonly<Record<string, string>>;
  /** base64, as in a manifest. */
  readonly binaryData?: Readonly<Record<string, string>>;
}

/**
 * The workload a config-change story drives, and the configs whose data it changes: the demo
 * app, or a user's Deployment from `--set workload=FILE`.
 */
export interface ConfigApp {
  /** The Deployment, and its Service and VirtualService. */
  readonly app: string;
  readonly host: string;
  /** The ConfigMap whose data the story changes. */
  readonly config: string;
  /** The Secret it changes; none when the workload references no Secret. */
  readonly secret: string | undefined;
  /** A ConfigMap the workload does not reference. */
  readonly unrelated: string;
  /** Selects the Deployment's pods and ReplicaSets. */
  readonly selector: string;
  /** The container Reloader writes its env var into for the ConfigMap (`getContainerUsingResource`). */
  readonly configContainer: string;
  configContent(s: ConfigState): ConfigContent;
  /** The Secret's `.data` (base64) as the API server stores it. */
  secretData(s: ConfigState): Readonly<Record<string, string>>;
  applyConfigs(t: ScenarioContext<unknown>, s: ConfigState): Promise<void>;
  /** The Deployment, opted in the way a mechanism asks (a user's keeps its own annotations). */
  deployment(shape: RolloutShape): KubeObject;
  service(): KubeObject;
  /** What a pod answers on `/config` in state `s`; none when the app cannot be asked (a user's). */
  readonly servedConfig: ((s: ConfigState) => string) | undefined;
}

/** The demo app as a story's workload: it serves its config on /config, so (c) asks every pod. */
export function demoApp(n: AppNames, namespace: string): ConfigApp {
  return {
    ...n,
    selector: `app=${n.app}`,
    configContainer: 'app',
    configContent: (s) => ({ data: configData(s) }),
    secretData: (s) => ({ [SECRET_KEY]: Buffer.from(s.token).toString('base64') }),
    applyConfigs: (t, s) => applyConfigs(t, n, s),
    deployment: (shape) => workload(namespace, n, { ...shape, configRef: n.config, secretRef: n.secret }),
    service: () => service(namespace, n),
    servedConfig: (s) => JSON.stringify(s.config),
  };
}

/** The demo app's three configs as plain objects, for the mechanisms whose users apply them as they are. */
export async function applyConfigs(t: ScenarioContext<unknown>, n: AppNames, s: ConfigState): Promise<void> {
  await apply(t, configMap(t.namespace, n.config, configData(s), s.configLabels));
  await apply(t, secret(t.namespace, n.secret, s.token));
  await apply(t, configMap(t.namespace, n.unrelated, { value: s.unrelated }));
}

/** The gateway's routes to each workload, by Host. */
export function routing(namespace: string, apps: ReadonlyArray<{ readonly app: string; readonly host: string }>): KubeObject[] {
  return [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: GATEWAY, namespace },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: apps.map((a) => a.host) }] },
    },
    ...apps.map((a) => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: a.app, namespace },
      spec: { hosts: [a.host], gateways: [GATEWAY], http: [{ route: [{ destination: { host: a.app } }] }] },
    })),
  ];
}
