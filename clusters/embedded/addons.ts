import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { componentAt, flaggerManifests, provisionBinaries, reloaderManifests, versions, WAVE_METRICS_ADDRESS, type ComponentVersions, type ResolvedBinary } from '../components/index.ts';
import { KubeClient, type KubeObject } from '../kube/index.ts';
import { freePort, isAlive, terminate, type ComponentProcess } from '../process/index.ts';
import type { ControllerName, Controllers } from '../provider.ts';
import { silentProgress, type Progress } from '../progress.ts';
import { installCrds, applyAll } from './cluster-setup.ts';
import { ClusterPaths, readClusterInfo, writeClusterInfo, type ClusterInfo } from './cluster-state.ts';
import { adminClient, describeVersion } from './embedded-cluster.ts';
import { Flagger } from './flagger.ts';
import { renderKubeconfig } from './kubeconfig.ts';
import { Reloader, reloaderIdle } from './reloader.ts';
import { registerScrapeTarget } from './scrape-targets.ts';
import { Wave, waveAccess, WAVE_SERVICE_ACCOUNT } from './wave.ts';

/** Controllers started on demand and then kept with the cluster until `down`. */
export const ADDONS = ['flagger', 'reloader', 'wave'] as const;
export type Addon = (typeof ADDONS)[number];

const TOKEN_SECONDS = 24 * 3600;
const STOP_GRACE_MS = 10_000;

/** How one add-on is installed and run: its binary, its objects, its ServiceAccount, its process. */
interface AddonLaunch {
  readonly binary: string;
  readonly crds?: readonly KubeObject[];
  readonly access: readonly KubeObject[];
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
  /** The process, run as that ServiceAccount; `port` is free on 127.0.0.1. */
  process(binary: string, kubeconfig: string, port: number): AddonProcess;
}

type AddonProcess = ComponentProcess & { readonly metricsAddress: string; start(): Promise<void> };

async function launchOf(addon: Addon, version: string, paths: ClusterPaths, info: ClusterInfo, flags: readonly string[], progress: Progress): Promise<AddonLaunch> {
  const log = { logFile: paths.log(addon), owner: paths.owner };
  switch (addon) {
    case 'flagger': {
      const m = await flaggerManifests(progress, undefined, version);
      return { binary: 'flagger', crds: m.crds, access: m.access, serviceAccount: m.serviceAccount, process: (binary, kubeconfig, port) => new Flagger({ binary, kubeconfig, port, prometheusUrl: info.prometheusUrl, ...log }) };
    }
    case 'reloader': {
      const m = await reloaderManifests(progress, version);
      return { binary: 'reloader', access: m.access, serviceAccount: m.serviceAccount, process: (binary, kubeconfig, port) => new Reloader({ binary, kubeconfig, port, namespace: m.serviceAccount.namespace, flags, ...log }) };
    }
    case 'wave':
      return {
        binary: 'wave',
        access: waveAccess,
        serviceAccount: WAVE_SERVICE_ACCOUNT,
        process: (binary, kubeconfig) => new Wave({ binary, kubeconfig, metricsAddress: WAVE_METRICS_ADDRESS, flags, ...log }),
      };
  }
}

/** A kubeconfig for `sa`, with a TokenRequest token, so the add-on can do what its upstream RBAC allows and no more. */
async function serviceAccountKubeconfig(kube: KubeClient, info: ClusterInfo, paths: ClusterPaths, sa: AddonLaunch['serviceAccount'], file: string): Promise<void> {
  const { status } = await kube.call<{ status: { token: string } }>('POST', `/api/v1/namespaces/${sa.namespace}/serviceaccounts/${sa.name}/token`, {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: TOKEN_SECONDS } },
  });
  const caPem = await readFile(join(paths.pki, 'ca.crt'), 'utf8');
  const user = `system:serviceaccount:${sa.namespace}:${sa.name}`;
  await writeFile(file, renderKubeconfig({ clusterName: `testbed-${info.name}`, server: info.apiServerUrl, caPem, user, credentials: { token: status.token } }), { mode: 0o600 });
}

/**
 * Wave's metrics listener is controller-runtime's default, which only a build from the module
 * moves to loopback; a binary someone else built binds every interface.
 */
function listenerNotice(addon: Addon, binary: ResolvedBinary): string | undefined {
  if (addon !== 'wave' || binary.source.kind !== 'override') return undefined;
  return `wave from ${binary.source.via} was not built by the testbed, so its metrics server binds controller-runtime's default ":8080" on every interface, not ${WAVE_METRICS_ADDRESS}`;
}

/**
 * Installs `addon`'s objects from its pinned sources, starts it as its own ServiceAccount with
 * `flags`, and lists it for Prometheus. Returns the updated info.
 */
async function startAddon(addon: Addon, version: string, flags: readonly string[], info: ClusterInfo, paths: ClusterPaths, progress: Progress): Promise<{ info: ClusterInfo; notice?: string }> {
  const launch = await launchOf(addon, version, paths, info, flags, progress);
  const { [launch.binary]: binary } = await provisionBinaries([launch.binary], { progress, versions: { [addon]: version } });
  const notice = listenerNotice(addon, binary!);
  const kube = await KubeClient.fromKubeConfig(adminClient(info));
  try {
    const task = progress.begin(`install ${addon}'s ${launch.crds ? 'CRDs and ' : ''}RBAC`);
    if (launch.crds) await installCrds(kube, launch.crds);
    await applyAll(kube, launch.access);
    const kubeconfig = join(paths.pki, `${addon}.kubeconfig`);
    await serviceAccountKubeconfig(kube, info, paths, launch.serviceAccount, kubeconfig);
    task.end('done');
    const component = launch.process(binary!.path, kubeconfig, await freePort());
    const start = progress.begin(`start ${addon} ${binary!.version}${flags.length ? ` ${flags.join(' ')}` : ''}`);
    progress.command([component.process.options.command, ...component.process.options.args]);
    try {
      await component.start();
      start.end('done', notice);
    } catch (err) {
      start.end('failed');
      await component.stop();
      throw err;
    }
    await registerScrapeTarget(info.scrapeTargetsDir, addon, addon, component.metricsAddress);
    const port = Number(component.metricsAddress.split(':').at(-1));
    return {
      info: {
        ...info,
        versions: { ...info.versions, [addon]: describeVersion(binary!, addon, version) },
        componentVersions: { ...info.componentVersions, [addon]: version },
        processes: { ...info.processes, [addon]: component.process.pid! },
        ports: { ...info.ports, [addon]: port },
        addonFlags: { ...info.addonFlags, [addon]: flags },
      },
      ...(notice ? { notice } : {}),
    };
  } finally {
    kube.close();
  }
}

async function clusterRecord(name: string, addons: readonly string[]): Promise<{ paths: ClusterPaths; info: ClusterInfo }> {
  const paths = new ClusterPaths(name);
  const info = await readClusterInfo(paths);
  if (!info) throw new Error(`no cluster "${name}" to run ${addons.join(', ')} in`);
  return { paths, info };
}

const sameFlags = (a: readonly string[] | undefined, b: readonly string[]) => a !== undefined && a.length === b.length && a.every((f, i) => f === b[i]);

/** The version an add-on runs at unless a run asks for another. */
const runningVersion = (addon: Addon, info: ClusterInfo) => info.componentVersions?.[addon] ?? versions[addon];

/**
 * Makes sure each add-on runs in the named cluster at the version `wanted` names (else its pin),
 * with its default flags when it must start; a no-op for those already running at that version.
 */
export async function ensureAddons(name: string, addons: readonly Addon[], progress: Progress = silentProgress, wanted: ComponentVersions = {}): Promise<ClusterInfo> {
  let { paths, info } = await clusterRecord(name, addons);
  for (const addon of addons) {
    const { version } = componentAt(addon, wanted);
    const pid = info.processes[addon];
    if (pid && (await isAlive(pid))) {
      if (runningVersion(addon, info) === version) continue;
      info = await stopAddon(addon, paths, info);
    }
    info = (await startAddon(addon, version, [], info, paths, progress)).info;
    await writeClusterInfo(paths, info);
  }
  return info;
}

async function stopAddon(addon: Addon, paths: ClusterPaths, info: ClusterInfo): Promise<ClusterInfo> {
  const pid = info.processes[addon];
  if (pid) await terminate(pid, STOP_GRACE_MS);
  const { [addon]: _pid, ...processes } = info.processes;
  const { [addon]: _port, ...ports } = info.ports;
  const next = { ...info, processes, ports };
  await writeClusterInfo(paths, next);
  return next;
}

/** The embedded cluster's controllers, as local processes a scenario may restart with other flags. */
export function embeddedControllers(name: string, progress: Progress): Controllers {
  return {
    async run(controller: ControllerName, flags) {
      let { paths, info } = await clusterRecord(name, [controller]);
      const pid = info.processes[controller];
      const running = pid !== undefined && (await isAlive(pid));
      let notice: string | undefined;
      if (!running || !sameFlags(info.addonFlags?.[controller], flags)) {
        if (running) info = await stopAddon(controller, paths, info);
        const started = await startAddon(controller, runningVersion(controller, info), flags, info, paths, progress);
        await writeClusterInfo(paths, started.info);
        ({ info, notice } = started);
      }
      if (controller === 'reloader') await reloaderIdle(`127.0.0.1:${info.ports.reloader}`);
      return { version: info.versions[controller]!, ...(notice ? { notice } : {}) };
    },
    async stop(controller) {
      const { paths, info } = await clusterRecord(name, [controller]);
      await stopAddon(controller, paths, info);
    },
  };
}
