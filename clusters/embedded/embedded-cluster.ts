import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { istioCrdManifest, istioCrds, provisionBinaries, versions, type ComponentVersions, type ResolvedBinary } from '../components/index.ts';
import { findOwnedProcesses, freePort, isAlive, reapOwnedProcesses, terminate, type LocalProcess } from '../process/index.ts';
import { poll } from '../poll.ts';
import { silentProgress, type Progress } from '../progress.ts';
import {
  ClusterPaths,
  createStateDir,
  knownClusters,
  readClusterInfo,
  removeStateDir,
  writeClusterInfo,
  type ClusterInfo,
} from './cluster-state.ts';
import { SERVICE_CLUSTER_IP_RANGE, controlPlaneFiles, createControlPlanePki } from './control-plane-pki.ts';
import { KubeClient } from '../kube/index.ts';
import { ADDON_USERS, grantAddonAccess, installCrds } from './cluster-setup.ts';
import { Etcd } from './etcd.ts';
import { KubeApiServer } from './kube-apiserver.ts';
import { KubeControllerManager } from './kube-controller-manager.ts';
import { KubeScheduler } from './kube-scheduler.ts';
import { renderKubeconfig } from './kubeconfig.ts';
import { NodeAgent, bundleNodeAgent, readImageMap } from './node-agent/index.ts';
import { Mesh, bundleMesh } from './mesh/index.ts';
import { Prometheus } from './prometheus.ts';
import { answersOk } from './tls-get.ts';

export interface UpOptions {
  /** Cluster name; several clusters can run side by side. Default `default`. */
  readonly name?: string;
  /** Number of Node objects the node agent registers. Default 1. */
  readonly nodes?: number;
  /** YAML or JSON file mapping images to local commands. */
  readonly imagesFile?: string;
  /** Binary name → path, as given by `--bin`. */
  readonly binaryOverrides?: Readonly<Record<string, string>>;
  /** Kubernetes and Prometheus to start at other versions than their pins (`--component`). */
  readonly components?: ComponentVersions;
  readonly progress?: Progress;
  /** Once aborted (Ctrl-C), no further process is started and `upCluster` fails. */
  readonly signal?: AbortSignal;
}

export const CLUSTER_BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'prometheus'] as const;
/** Order in which `down` stops processes: pods first, the datastore last. */
const STOP_ORDER = ['flagger', 'prometheus', 'mesh', 'node-agent', 'kube-scheduler', 'kube-controller-manager', 'kube-apiserver', 'etcd'] as const;
const SYNC_PERIOD_MS = 2000;
const SHUTDOWN_GRACE_MS = 3000;

export class ClusterAlreadyRunningError extends Error {
  constructor(readonly info: ClusterInfo) {
    super(`cluster "${info.name}" is already running (API server ${info.apiServerUrl}); run \`cluster down\` first or use --name`);
  }
}

async function pickPodNetwork(): Promise<string> {
  const used = new Set<string>();
  for (const name of await knownClusters()) {
    const info = await readClusterInfo(new ClusterPaths(name)).catch(() => undefined);
    if (info) used.add(info.podNetwork);
  }
  for (let i = 0; i < 200; i++) {
    const candidate = `127.${100 + Math.floor(Math.random() * 150)}`;
    if (!used.has(candidate)) return candidate;
  }
  throw new Error('no free pod network: too many embedded clusters');
}

export function adminClient(info: Pick<ClusterInfo, 'kubeconfig'>): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(info.kubeconfig);
  return kc;
}

async function nodesReady(core: CoreV1Api, names: readonly string[]): Promise<boolean> {
  const nodes = await core.listNode();
  return names.every((name) =>
    nodes.items.some((n) => n.metadata?.name === name && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')),
  );
}

/** True once pods can be created in `default`: its ServiceAccount and root CA ConfigMap exist. */
async function workloadsAccepted(core: CoreV1Api): Promise<boolean> {
  await core.readNamespacedServiceAccount({ namespace: 'default', name: 'default' });
  await core.readNamespacedConfigMap({ namespace: 'default', name: 'kube-root-ca.crt' });
  return true;
}

export type ClusterHealth =
  | { readonly state: 'absent' }
  | { readonly state: 'running'; readonly info: ClusterInfo; readonly nodes: ReadonlyArray<{ name: string; ready: boolean }> }
  | { readonly state: 'broken'; readonly info: ClusterInfo | undefined; readonly problems: readonly string[] };

/** Whether the named cluster is up: every process alive and the API server ready. */
export async function clusterHealth(name = 'default'): Promise<ClusterHealth> {
  const paths = new ClusterPaths(name);
  const info = await readClusterInfo(paths);
  if (!info) {
    const leftovers = await findOwnedProcesses(paths.owner);
    return leftovers.length ? { state: 'broken', info, problems: [`${leftovers.length} leftover processes, no cluster record`] } : { state: 'absent' };
  }
  const problems: string[] = [];
  for (const [component, pid] of Object.entries(info.processes)) {
    if (!(await isAlive(pid))) problems.push(`${component} (pid ${pid}) is not running; log: ${paths.log(component)}`);
  }
  const caPem = await readFile(join(paths.pki, 'ca.crt'), 'utf8').catch(() => '');
  if (!problems.length && !(await answersOk(`${info.apiServerUrl}/readyz`, { caPem })().catch(() => false))) {
    // /readyz needs no credentials with the default RBAC (system:public-info-viewer).
    problems.push(`API server ${info.apiServerUrl} is not ready`);
  }
  if (problems.length) return { state: 'broken', info, problems };
  const core = adminClient(info).makeApiClient(CoreV1Api);
  const nodes = (await core.listNode()).items.map((n) => ({
    name: n.metadata!.name!,
    ready: n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
  }));
  return { state: 'running', info, nodes };
}

/** Stops every process of the named cluster (including what a crashed run left) and removes its state. */
export async function downCluster(name = 'default'): Promise<{ existed: boolean; stopped: number }> {
  const paths = new ClusterPaths(name);
  const info = await readClusterInfo(paths);
  let stopped = 0;
  for (const component of STOP_ORDER) {
    const pid = info?.processes[component];
    if (pid && (await isAlive(pid))) {
      await terminate(pid, component === 'node-agent' ? SHUTDOWN_GRACE_MS + 5000 : 10_000);
      stopped++;
    }
  }
  stopped += await reapOwnedProcesses(paths.owner);
  const existed = info !== undefined || stopped > 0;
  await removeStateDir(paths);
  return { existed, stopped };
}

/**
 * Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and the node agent, all on
 * 127.0.0.1 with free ports, and returns once nodes are Ready and workloads are accepted. The
 * processes outlive the caller; {@link downCluster} stops them. On failure, everything started
 * is stopped and the state removed.
 */
export async function upCluster(options: UpOptions = {}): Promise<ClusterInfo> {
  const name = options.name ?? 'default';
  const nodeCount = options.nodes ?? 1;
  if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > 50) throw new Error(`--nodes must be 1–50, got ${nodeCount}`);
  const progress = options.progress ?? silentProgress;
  const paths = new ClusterPaths(name);
  const images = options.imagesFile === undefined ? undefined : await readImageMap(options.imagesFile);

  const health = await clusterHealth(name);
  if (health.state === 'running') throw new ClusterAlreadyRunningError(health.info);
  if (health.state === 'broken') {
    const task = progress.begin(`reap leftovers of cluster "${name}"`);
    await downCluster(name);
    task.end('done', health.problems.join('; '));
  }

  const kubernetesVersion = options.components?.kubernetes ?? versions.kubernetes;
  const prometheusVersion = options.components?.prometheus ?? versions.prometheus;
  const moved = { kubernetes: kubernetesVersion, prometheus: prometheusVersion };
  const binaries = await provisionBinaries(CLUSTER_BINARIES, {
    ...(options.binaryOverrides ? { overrides: options.binaryOverrides } : {}),
    versions: moved,
    progress,
  });
  const bin = (b: (typeof CLUSTER_BINARIES)[number]) => (binaries[b] as ResolvedBinary).path;
  const crds = await istioCrds(await istioCrdManifest(progress));

  const started: LocalProcess[] = [];
  await removeStateDir(paths);
  try {
    await createStateDir(paths);
    const nodeNames = Array.from({ length: nodeCount }, (_, i) => (nodeCount === 1 ? 'node-1' : `node-${i + 1}`));
    const [etcdClient, etcdPeer, apiPort, kcmPort, schedulerPort, prometheusPort, gatewayPort, meshMetricsPort] = await Promise.all([
      freePort(), freePort(), freePort(), freePort(), freePort(), freePort(), freePort(), freePort(),
    ]);
    const ports = {
      etcd: etcdClient,
      'etcd-peer': etcdPeer,
      'kube-apiserver': apiPort,
      'kube-controller-manager': kcmPort,
      'kube-scheduler': schedulerPort,
      prometheus: prometheusPort,
      gateway: gatewayPort,
      'mesh-metrics': meshMetricsPort,
    };
    const pkiTask = progress.begin('generate certificates');
    const pki = await createControlPlanePki(paths.pki, name, nodeNames, { prometheus: ADDON_USERS.prometheus.user, mesh: ADDON_USERS.mesh.user });
    pkiTask.end('done');
    const server = `https://127.0.0.1:${apiPort}`;
    const writeKubeconfig = async (file: string, user: string, credentials: typeof pki.admin) => {
      await writeFile(file, renderKubeconfig({ clusterName: `testbed-${name}`, server, caPem: pki.caPem, user, credentials }), { mode: 0o600 });
      return file;
    };
    await writeKubeconfig(paths.kubeconfig, 'testbed-admin', pki.admin);
    const kcmKubeconfig = await writeKubeconfig(join(paths.pki, 'controller-manager.kubeconfig'), 'system:kube-controller-manager', pki.controllerManager);
    const schedulerKubeconfig = await writeKubeconfig(join(paths.pki, 'scheduler.kubeconfig'), 'system:kube-scheduler', pki.scheduler);
    await writeKubeconfig(join(paths.pki, 'prometheus.kubeconfig'), ADDON_USERS.prometheus.user, pki.clients.prometheus!);
    const meshKubeconfig = await writeKubeconfig(join(paths.pki, 'mesh.kubeconfig'), ADDON_USERS.mesh.user, pki.clients.mesh!);
    const nodeKubeconfigs = await Promise.all(
      nodeNames.map((n) => writeKubeconfig(join(paths.pki, `${n}.kubeconfig`), `system:node:${n}`, pki.nodes[n]!)),
    );
    const owner = paths.owner;
    const tls = { caPem: pki.caPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem };

    const step = async <T extends { process: LocalProcess }>(label: string, component: T, start: (c: T) => Promise<void>) => {
      options.signal?.throwIfAborted();
      const task = progress.begin(label);
      progress.command([component.process.options.command, ...component.process.options.args]);
      started.push(component.process);
      try {
        await start(component);
        task.end('done');
      } catch (err) {
        task.end('failed');
        throw err;
      }
      return component;
    };

    // Bundling (a cache hit after the first run) overlaps etcd and API server start-up.
    const bundled = Promise.all([bundleNodeAgent(), bundleMesh()]);
    bundled.catch(() => {});
    const etcd = await step(
      `start etcd ${versions.etcd}`,
      new Etcd({ binary: bin('etcd'), dataDir: paths.etcdData, clientPort: etcdClient, peerPort: etcdPeer, logFile: paths.log('etcd'), owner }),
      (c) => c.start(),
    );
    const apiserver = await step(
      `start kube-apiserver ${kubernetesVersion}`,
      clusterApiServer(paths, bin('kube-apiserver'), ports),
      (c) => c.start(tls),
    );
    const podNetwork = await pickPodNetwork();
    const admin = adminClient({ kubeconfig: paths.kubeconfig });
    const core = admin.makeApiClient(CoreV1Api);
    const setup = progress.begin(`install Istio ${versions.istio} CRDs and the add-ons' RBAC`);
    const kube = await KubeClient.fromKubeConfig(admin);
    try {
      await Promise.all([installCrds(kube, crds), grantAddonAccess(kube)]);
    } finally {
      kube.close();
    }
    setup.end('done');
    const [agentFiles, meshBundle] = await bundled;
    const nodeAgent = new NodeAgent({
      bundleFile: agentFiles.bundleFile,
      configFile: join(paths.root, 'node-agent.json'),
      logFile: paths.log('node-agent'),
      config: {
        nodes: nodeNames.map((n, i) => ({ name: n, index: i + 1, kubeconfig: nodeKubeconfigs[i]! })),
        podNetwork,
        podsDir: paths.pods,
        ...(images ? { imagesFile: images.file } : {}),
        demoAppBundle: agentFiles.demoAppBundle,
        kubernetesVersion,
        owner,
        syncPeriodMs: SYNC_PERIOD_MS,
        shutdownGraceMs: SHUTDOWN_GRACE_MS,
      },
    });
    const [kcm, scheduler, , mesh, prometheus] = await Promise.all([
      step(
        `start kube-controller-manager ${kubernetesVersion}`,
        new KubeControllerManager({
          binary: bin('kube-controller-manager'),
          kubeconfig: kcmKubeconfig,
          securePort: kcmPort,
          servingCertFile: pki.files.controllerManagerCert,
          servingKeyFile: pki.files.controllerManagerKey,
          serviceAccountPrivateKeyFile: pki.files.serviceAccountKey,
          rootCaFile: pki.files.caCert,
          clusterSigningCertFile: pki.files.caCert,
          clusterSigningKeyFile: pki.files.caKey,
          logFile: paths.log('kube-controller-manager'),
          owner,
        }),
        (c) => c.start(tls),
      ),
      step(
        `start kube-scheduler ${kubernetesVersion}`,
        new KubeScheduler({
          binary: bin('kube-scheduler'),
          kubeconfig: schedulerKubeconfig,
          securePort: schedulerPort,
          servingCertFile: pki.files.schedulerCert,
          servingKeyFile: pki.files.schedulerKey,
          logFile: paths.log('kube-scheduler'),
          owner,
        }),
        (c) => c.start(tls),
      ),
      step(`start node agent (${nodeCount} node${nodeCount > 1 ? 's' : ''})`, nodeAgent, (c) => c.start(() => nodesReady(core, nodeNames))),
      step(
        'start mesh (ingress gateway, Istio metrics)',
        new Mesh({
          config: { kubeconfig: meshKubeconfig, gatewayPort, metricsPort: meshMetricsPort, podNetwork },
          configFile: join(paths.root, 'mesh.json'),
          bundleFile: meshBundle,
          logFile: paths.log('mesh'),
          owner,
        }),
        (c) => c.start(),
      ),
      step(
        `start prometheus ${prometheusVersion}`,
        clusterPrometheus(paths, bin('prometheus'), ports),
        (c) => c.start(),
      ),
    ]);
    const ready = progress.begin('wait for the default ServiceAccount and root CA');
    await poll({
      what: 'the default ServiceAccount and kube-root-ca.crt in namespace default',
      probe: () => workloadsAccepted(core),
      timeoutMs: 60_000,
      intervalMs: 100,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    ready.end('done');
    options.signal?.throwIfAborted();

    const info: ClusterInfo = {
      name,
      apiServerUrl: apiserver.url,
      prometheusUrl: prometheus.url,
      scrapeTargetsDir: paths.scrapeTargets,
      gatewayUrl: mesh.gatewayUrl,
      kubeconfig: paths.kubeconfig,
      podNetwork,
      nodes: nodeNames,
      versions: {
        ...versions,
        ...Object.fromEntries(Object.values(binaries).map((b) => [b.binary, describeSource(b)])),
        kubernetes: describeVersion(binaries['kube-apiserver']!, 'kubernetes', kubernetesVersion),
        prometheus: describeVersion(binaries.prometheus!, 'prometheus', prometheusVersion),
      },
      processes: {
        etcd: etcd.process.pid!,
        'kube-apiserver': apiserver.process.pid!,
        'kube-controller-manager': kcm.process.pid!,
        'kube-scheduler': scheduler.process.pid!,
        'node-agent': nodeAgent.process.pid!,
        mesh: mesh.process.pid!,
        prometheus: prometheus.process.pid!,
      },
      ports,
      ...(images ? { images: { file: images.file, digest: images.digest } } : {}),
      componentVersions: Object.fromEntries(Object.entries(moved).filter(([name, version]) => version !== versions[name as keyof typeof moved])),
      startedAt: new Date().toISOString(),
      stateDir: paths.root,
    };
    await writeClusterInfo(paths, info);
    return info;
  } catch (err) {
    for (const p of started.reverse()) await p.stop();
    await reapOwnedProcesses(paths.owner);
    await removeStateDir(paths, { keepLogs: true });
    throw err;
  }
}

/** The cluster's API server, found from its state folder and ports: as `up` starts it, and as a fault restarts it. */
export function clusterApiServer(paths: ClusterPaths, binary: string, ports: Readonly<Record<string, number>>): KubeApiServer {
  const files = controlPlaneFiles(paths.pki, []);
  return new KubeApiServer({
    binary,
    etcdUrl: `http://127.0.0.1:${recordedPort(paths, ports, 'etcd')}`,
    securePort: recordedPort(paths, ports, 'kube-apiserver'),
    servingCertFile: files.apiServerCert,
    servingKeyFile: files.apiServerKey,
    clientCaFile: files.caCert,
    serviceAccountKeyFile: files.serviceAccountPub,
    serviceAccountSigningKeyFile: files.serviceAccountKey,
    serviceClusterIpRange: SERVICE_CLUSTER_IP_RANGE,
    logFile: paths.log('kube-apiserver'),
    owner: paths.owner,
  });
}

function recordedPort(paths: ClusterPaths, ports: Readonly<Record<string, number>>, component: string): number {
  const found = ports[component];
  if (found === undefined) throw new Error(`cluster "${paths.name}" records no port for ${component} in ${paths.info}`);
  return found;
}

/** The cluster's Prometheus, found from its state folder and ports: as `up` starts it, and as a fault restarts it. */
export function clusterPrometheus(paths: ClusterPaths, binary: string, ports: Readonly<Record<string, number>>): Prometheus {
  const port = (component: string) => recordedPort(paths, ports, component);
  const files = controlPlaneFiles(paths.pki, ['prometheus']);
  return new Prometheus({
    binary,
    port: port('prometheus'),
    configFile: join(paths.root, 'prometheus.yaml'),
    dataDir: join(paths.root, 'prometheus'),
    kubeconfig: join(paths.pki, 'prometheus.kubeconfig'),
    caFile: files.caCert,
    clientCertFile: files.clients.prometheus!.cert,
    clientKeyFile: files.clients.prometheus!.key,
    controllerManagerPort: port('kube-controller-manager'),
    schedulerPort: port('kube-scheduler'),
    meshMetricsPort: port('mesh-metrics'),
    scrapeTargetsDir: paths.scrapeTargets,
    logFile: paths.log('prometheus'),
    owner: paths.owner,
  });
}

/** `v1.36.3 (go-build)` or `override: TESTBED_ETCD_BIN=…`. */
export function describeSource(b: ResolvedBinary): string {
  return b.source.kind === 'override' ? `override ${b.source.via}` : `${b.version} (${b.source.provenance.method})`;
}

/** {@link describeSource}, and which `--component` moved it from the pin, if one did. */
export function describeVersion(b: ResolvedBinary, name: keyof typeof versions, version: string): string {
  return describeSource(b) + (version === versions[name] ? '' : `, --component ${name}=${version} over the pin ${versions[name]}`);
}

/**
 * Restarts the cluster's Prometheus, on its port and data, at the version `wanted` names (else
 * the pin) when it runs another: it starts with the cluster, at the pin.
 */
export async function ensurePrometheus(name: string, wanted: ComponentVersions, progress: Progress = silentProgress): Promise<ClusterInfo> {
  const paths = new ClusterPaths(name);
  const info = await readClusterInfo(paths);
  if (!info) throw new Error(`no cluster "${name}" to run prometheus in`);
  const version = wanted.prometheus ?? versions.prometheus;
  if ((info.componentVersions?.prometheus ?? versions.prometheus) === version) return info;
  const { prometheus: binary } = await provisionBinaries(['prometheus'], { progress, versions: { prometheus: version } });
  const pid = info.processes.prometheus;
  if (pid !== undefined) await terminate(pid, 10_000);
  const prometheus = clusterPrometheus(paths, binary!.path, info.ports);
  const task = progress.begin(`restart prometheus at ${version}${version === versions.prometheus ? ', the pin' : ''}, on its port and data`);
  progress.command([prometheus.process.options.command, ...prometheus.process.options.args]);
  try {
    await prometheus.start();
  } catch (err) {
    task.end('failed');
    throw err;
  }
  task.end('done');
  const next: ClusterInfo = {
    ...info,
    versions: { ...info.versions, prometheus: describeVersion(binary!, 'prometheus', version) },
    processes: { ...info.processes, prometheus: prometheus.process.pid! },
    componentVersions: { ...info.componentVersions, prometheus: version },
  };
  await writeClusterInfo(paths, next);
  return next;
}
