import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { flaggerManifests, provisionBinaries } from '../components/index.ts';
import { KubeClient } from '../kube/index.ts';
import { freePort, isAlive } from '../process/index.ts';
import { silentProgress, type Progress } from '../progress.ts';
import { installCrds, applyAll } from './cluster-setup.ts';
import { ClusterPaths, readClusterInfo, writeClusterInfo, type ClusterInfo } from './cluster-state.ts';
import { adminClient, describeSource } from './embedded-cluster.ts';
import { Flagger } from './flagger.ts';
import { renderKubeconfig } from './kubeconfig.ts';
import { registerScrapeTarget } from './scrape-targets.ts';

/** Controllers a scenario may need, started on demand and then kept with the cluster until `down`. */
export const ADDONS = ['flagger'] as const;
export type Addon = (typeof ADDONS)[number];

const TOKEN_SECONDS = 24 * 3600;

/**
 * Starts Flagger as its own ServiceAccount, with its CRDs and RBAC from the pinned module, the
 * Istio provider and the cluster's Prometheus; Prometheus scrapes it. Returns the updated info.
 */
async function startFlagger(info: ClusterInfo, paths: ClusterPaths, progress: Progress): Promise<ClusterInfo> {
  const { flagger: binary } = await provisionBinaries(['flagger'], { progress });
  const manifests = await flaggerManifests(progress);
  const kube = await KubeClient.fromKubeConfig(adminClient(info));
  try {
    const task = progress.begin('install Flagger CRDs and RBAC');
    await installCrds(kube, manifests.crds);
    await applyAll(kube, manifests.access);
    const { namespace, name } = manifests.serviceAccount;
    const { status } = await kube.call<{ status: { token: string } }>('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: TOKEN_SECONDS } },
    });
    task.end('done');
    const kubeconfig = join(paths.pki, 'flagger.kubeconfig');
    const caPem = await readFile(join(paths.pki, 'ca.crt'), 'utf8');
    await writeFile(kubeconfig, renderKubeconfig({ clusterName: `testbed-${info.name}`, server: info.apiServerUrl, caPem, user: `system:serviceaccount:${namespace}:${name}`, credentials: { token: status.token } }), { mode: 0o600 });
    const flagger = new Flagger({ binary: binary!.path, port: await freePort(), kubeconfig, prometheusUrl: info.prometheusUrl, logFile: paths.log('flagger'), owner: paths.owner });
    const start = progress.begin(`start flagger ${binary!.version}`);
    progress.command([flagger.process.options.command, ...flagger.process.options.args]);
    try {
      await flagger.start();
      start.end('done');
    } catch (err) {
      start.end('failed');
      await flagger.stop();
      throw err;
    }
    await registerScrapeTarget(info.scrapeTargetsDir, 'flagger', 'flagger', flagger.metricsAddress);
    return {
      ...info,
      versions: { ...info.versions, flagger: describeSource(binary!) },
      processes: { ...info.processes, flagger: flagger.process.pid! },
      ports: { ...info.ports, flagger: flagger.options.port },
    };
  } finally {
    kube.close();
  }
}

/** Makes sure each add-on runs in the named cluster; a no-op for those already running. */
export async function ensureAddons(name: string, addons: readonly Addon[], progress: Progress = silentProgress): Promise<ClusterInfo> {
  const paths = new ClusterPaths(name);
  let info = await readClusterInfo(paths);
  if (!info) throw new Error(`no cluster "${name}" to add ${addons.join(', ')} to`);
  for (const addon of addons) {
    const pid = info.processes[addon];
    if (pid && (await isAlive(pid))) continue;
    info = await startFlagger(info, paths, progress);
    await writeClusterInfo(paths, info);
  }
  return info;
}
