import type { KubeObject } from '../../clusters/kube/index.ts';
import { type FileTunableSpec } from '../../harness/tunables.ts';
import { TunableError } from '../../harness/tunable-error.ts';
import { apply } from '../scenario-apply.ts';
import { isObject, kindsOf, nameOf, problem, readManifests, type Json } from '../manifest-file.ts';
import { configMap, type ConfigApp, type ConfigState } from './config-app.ts';

/** The key the harness adds to the user's ConfigMap: its change is the story's, and a valid env var name for envFrom. */
export const CHANGE_KEY = 'DELIVERY_TESTBED_CHANGE';
/** The key the harness adds to the user's Secret, holding a fresh random token (redacted). */
export const TOKEN_KEY = 'DELIVERY_TESTBED_TOKEN';

/** A ConfigMap or Secret the pod template references, and where. */
interface Reference {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  readonly field: string;
  readonly optional: boolean;
  /** The container that references it: by a volume it mounts, or by env. */
  readonly container: string | undefined;
  /** The reference is in an init container. */
  readonly init: boolean;
}

/** A user's Deployment and the configs it uses, checked: what `--set workload=FILE` gives the scenario. */
export interface WorkloadFile {
  readonly file: string;
  readonly deployment: Json;
  readonly configMaps: readonly Json[];
  readonly secrets: readonly Json[];
  readonly name: string;
  /** The first ConfigMap the pod template references: the one whose data the story changes. */
  readonly config: string;
  readonly secret: string | undefined;
  readonly selector: string;
  readonly configContainer: string;
  /** The first container's first port, where the harness's Service sends the gateway's traffic. */
  readonly port: number;
}

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** Every ConfigMap and Secret the pod spec references, in the order Reloader's lookup meets them. */
function referencesOf(pod: Json): Reference[] {
  const refs: Reference[] = [];
  const volumes = list(pod.volumes);
  const containers = [...list(pod.containers).map((c, i) => ({ c, i, init: false })), ...list(pod.initContainers).map((c, i) => ({ c, i, init: true }))];
  const mounting = (volume: string) => containers.find(({ c }) => list(c.volumeMounts).some((m) => m.name === volume));
  const add = (kind: Reference['kind'], name: unknown, field: string, optional: unknown, by: { c: Json; init: boolean } | undefined) => {
    const n = str(name);
    if (n) refs.push({ kind, name: n, field, optional: optional === true, container: str(by?.c.name), init: by?.init ?? false });
  };
  volumes.forEach((v, i) => {
    const field = `spec.template.spec.volumes[${i}]`;
    const by = mounting(String(v.name));
    if (isObject(v.configMap)) add('ConfigMap', v.configMap.name, `${field}.configMap.name`, v.configMap.optional, by);
    if (isObject(v.secret)) add('Secret', v.secret.secretName, `${field}.secret.secretName`, v.secret.optional, by);
    if (isObject(v.projected)) {
      list(v.projected.sources).forEach((s, j) => {
        if (isObject(s.configMap)) add('ConfigMap', s.configMap.name, `${field}.projected.sources[${j}].configMap.name`, s.configMap.optional, by);
        if (isObject(s.secret)) add('Secret', s.secret.name, `${field}.projected.sources[${j}].secret.name`, s.secret.optional, by);
      });
    }
  });
  for (const by of containers) {
    const field = `spec.template.spec.${by.init ? 'initContainers' : 'containers'}[${by.i}]`;
    list(by.c.envFrom).forEach((e, j) => {
      if (isObject(e.configMapRef)) add('ConfigMap', e.configMapRef.name, `${field}.envFrom[${j}].configMapRef.name`, e.configMapRef.optional, by);
      if (isObject(e.secretRef)) add('Secret', e.secretRef.name, `${field}.envFrom[${j}].secretRef.name`, e.secretRef.optional, by);
    });
    list(by.c.env).forEach((e, j) => {
      const from = isObject(e.valueFrom) ? e.valueFrom : {};
      if (isObject(from.configMapKeyRef)) add('ConfigMap', from.configMapKeyRef.name, `${field}.env[${j}].valueFrom.configMapKeyRef.name`, from.configMapKeyRef.optional, by);
      if (isObject(from.secretKeyRef)) add('Secret', from.secretKeyRef.name, `${field}.env[${j}].valueFrom.secretKeyRef.name`, from.secretKeyRef.optional, by);
    });
  }
  return refs;
}

/** `spec.selector` as a label selector string, as `kubectl get -l` takes it. */
function selectorString(selector: unknown, where: string): string {
  if (!isObject(selector)) throw problem(where, 'spec.selector', 'is missing: a Deployment selects its pods by label');
  const terms = Object.entries(isObject(selector.matchLabels) ? selector.matchLabels : {}).map(([k, v]) => `${k}=${String(v)}`);
  list(selector.matchExpressions).forEach((e, i) => {
    const values = Array.isArray(e.values) ? e.values.map(String).join(',') : '';
    const term = { In: `${String(e.key)} in (${values})`, NotIn: `${String(e.key)} notin (${values})`, Exists: String(e.key), DoesNotExist: `!${String(e.key)}` }[String(e.operator)];
    if (!term) throw problem(where, `spec.selector.matchExpressions[${i}].operator`, `is ${JSON.stringify(e.operator ?? null)}: expected In, NotIn, Exists or DoesNotExist`);
    terms.push(term);
  });
  if (!terms.length) throw problem(where, 'spec.selector', 'selects nothing: it needs matchLabels or matchExpressions');
  return terms.join(',');
}

/**
 * A user's workload file: one Deployment and the ConfigMaps and Secrets it uses. Whatever cannot
 * work is named by object and field, before any cluster work.
 */
export function readWorkloadFile(file: string): WorkloadFile {
  const objects = readManifests(file);
  const deployments = objects.filter((o) => o.kind === 'Deployment' && o.apiVersion === 'apps/v1');
  const configMaps = objects.filter((o) => o.kind === 'ConfigMap' && o.apiVersion === 'v1');
  const secrets = objects.filter((o) => o.kind === 'Secret' && o.apiVersion === 'v1');
  if (deployments.length !== 1 || deployments.length + configMaps.length + secrets.length !== objects.length) {
    throw new TunableError(`${file}: expected one Deployment (apps/v1) and the ConfigMaps and Secrets (v1) it uses, found ${kindsOf(objects)}; the harness makes the Service and the routes`);
  }
  const deployment = deployments[0]!;
  const name = nameOf(deployment);
  const where = `${file}: Deployment ${name ?? '(unnamed)'}`;
  if (!name || !DNS_LABEL.test(name)) throw problem(where, 'metadata.name', `is ${JSON.stringify(name ?? null)}: expected a DNS label, which the harness's Service and Host are named after`);
  for (const o of [...configMaps, ...secrets]) if (!nameOf(o)) throw problem(`${file}: ${String(o.kind)}`, 'metadata.name', 'is missing');
  const spec = isObject(deployment.spec) ? deployment.spec : {};
  const selector = selectorString(spec.selector, where);
  const template = isObject(spec.template) ? spec.template : {};
  const pod = isObject(template.spec) ? template.spec : {};
  const containers = list(pod.containers);
  const first = containers[0];
  if (!first || !str(first.name)) throw problem(where, 'spec.template.spec.containers', 'is missing: the Deployment runs no container');

  const refs = referencesOf(pod);
  const inFile = { ConfigMap: configMaps.map((o) => nameOf(o)!), Secret: secrets.map((o) => nameOf(o)!) };
  for (const ref of refs) {
    if (!ref.optional && !inFile[ref.kind].includes(ref.name)) {
      throw problem(where, ref.field, `names ${ref.kind} ${ref.name}, which is not in the file (it has: ${inFile[ref.kind].join(', ') || 'none'})`);
    }
  }
  const config = refs.find((r) => r.kind === 'ConfigMap' && inFile.ConfigMap.includes(r.name));
  if (!config) throw problem(where, 'spec.template.spec', 'references no ConfigMap of the file (in a volume, envFrom or configMapKeyRef): the story changes one the Deployment uses');
  const immutable = configMaps.find((o) => nameOf(o) === config.name)!.immutable === true;
  if (immutable) throw problem(`${file}: ConfigMap ${config.name}`, 'immutable', 'is true: the story changes its data');
  const port = list(first.ports)[0]?.containerPort;
  if (typeof port !== 'number') throw problem(where, 'spec.template.spec.containers[0].ports[0].containerPort', "is missing: the harness's Service sends the gateway's traffic to the first container's first port");
  return {
    file,
    deployment,
    configMaps,
    secrets,
    name,
    config: config.name,
    secret: refs.find((r) => r.kind === 'Secret' && inFile.Secret.includes(r.name))?.name,
    selector,
    // As Reloader's getContainerUsingResource: a config only an init container uses puts its env var in the first container.
    configContainer: config.init || !config.container ? str(first.name)! : config.container,
    port,
  };
}

/** `--set workload=FILE`: the user's Deployment, with its own annotations and volumes, in place of the demo app. */
export const workloadFileTunable: FileTunableSpec<WorkloadFile> = {
  type: 'file',
  description: "a Deployment with the ConfigMaps and Secrets it uses, in place of the demo app: its own annotations opt it in to Reloader; the first ConfigMap (and Secret) its pod template references is the one the story changes; the gateway sends the load to its first container's first port",
  read: readWorkloadFile,
};

const base64 = (values: unknown) => Object.fromEntries(Object.entries(isObject(values) ? values : {}).map(([k, v]) => [k, Buffer.from(String(v)).toString('base64')]));
const inNamespace = (o: Json, namespace: string): KubeObject => ({ ...o, metadata: { ...(o.metadata as Json), namespace } }) as KubeObject;

/**
 * The user's workload as a story's: the harness adds its own key to the changed ConfigMap and
 * Secret, keeps every other field as the file has it, and cannot ask the app for its config.
 */
export function workloadApp(w: WorkloadFile, namespace: string): ConfigApp {
  const changed = w.configMaps.find((o) => nameOf(o) === w.config)!;
  const secret = w.secrets.find((o) => nameOf(o) === w.secret);
  const configContent = (s: ConfigState) => ({
    data: { ...(changed.data as Record<string, string> | undefined), [CHANGE_KEY]: JSON.stringify(s.config) },
    ...(isObject(changed.binaryData) ? { binaryData: changed.binaryData as Record<string, string> } : {}),
  });
  const spec = w.deployment.spec as Json;
  const matchLabels = isObject((spec.selector as Json).matchLabels) ? ((spec.selector as Json).matchLabels as Json) : undefined;
  const podLabels = ((spec.template as Json).metadata as Json | undefined)?.labels as Json | undefined;
  const unrelated = `${w.name}-testbed-unrelated`;
  return {
    app: w.name,
    host: `${w.name}.${namespace}.example.com`,
    config: w.config,
    secret: w.secret,
    unrelated,
    selector: w.selector,
    configContainer: w.configContainer,
    configContent,
    secretData: (s) => ({ ...(secret?.data as Record<string, string> | undefined), ...base64({ ...(isObject(secret?.stringData) ? secret.stringData : {}), [TOKEN_KEY]: s.token }) }),
    async applyConfigs(t, s) {
      for (const cm of w.configMaps) {
        if (cm !== changed) await apply(t, inNamespace(cm, namespace));
        else await apply(t, { ...inNamespace(cm, namespace), ...configContent(s), metadata: { ...(cm.metadata as Json), name: w.config, namespace, labels: { ...((cm.metadata as Json).labels as Record<string, string>), ...s.configLabels } } } as KubeObject);
      }
      for (const o of w.secrets) {
        await apply(t, o === secret ? ({ ...inNamespace(o, namespace), stringData: { ...(o.stringData as Json), [TOKEN_KEY]: s.token } } as KubeObject) : inNamespace(o, namespace));
      }
      await apply(t, configMap(namespace, unrelated, { value: s.unrelated }));
    },
    deployment(shape) {
      const d = structuredClone(inNamespace(w.deployment, namespace)) as KubeObject & { spec: Json };
      if (shape.unsafeRollout) {
        d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '100%', maxSurge: 0 } };
        for (const c of list(((d.spec.template as Json).spec as Json).containers)) delete c.readinessProbe;
      }
      return d;
    },
    service: () => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: w.name, namespace },
      spec: { selector: { ...(matchLabels ?? podLabels) }, ports: [{ name: 'http', port: 80, targetPort: w.port }] },
    }),
    servedConfig: undefined,
  };
}
