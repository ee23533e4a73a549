import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { provisionBinaries } from '../clusters/components/index.ts';
import { CLUSTER_BINARIES, ClusterPaths, DEMO_IMAGE, adminClient, downCluster, upCluster } from '../clusters/embedded/index.ts';
import { poll } from '../clusters/poll.ts';
import { findOwnedProcesses } from '../clusters/process/index.ts';
import { memoryMiB } from './process-stats.ts';

/**
 * One run: `up` from cached binaries until everything is Ready, then 3 demo pods Ready, then the
 * total RSS and PSS of every process the cluster started (control plane, node agent, pods).
 */
export async function clusterRun(nodes: number, run: number): Promise<Record<string, number>> {
  const stateDir = await mkdtemp(join(tmpdir(), 'testbed-bench-'));
  process.env.TESTBED_STATE_DIR = stateDir;
  const name = `bench-${process.pid}-${run}`;
  try {
    const started = performance.now();
    const info = await upCluster({ name, nodes });
    const upSeconds = (performance.now() - started) / 1000;
    const kc = adminClient(info);
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const podsStarted = performance.now();
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'bench' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'bench' } },
          template: {
            metadata: { labels: { app: 'bench' } },
            spec: { containers: [{ name: 'demo-app', image: `${DEMO_IMAGE}:1`, readinessProbe: { httpGet: { path: '/readyz', port: 8080 }, periodSeconds: 1 } }] },
          },
        },
      },
    });
    await poll({
      what: '3 demo pods to be Ready',
      probe: async () => {
        const pods = (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=bench' })).items;
        return pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length === 3;
      },
      timeoutMs: 300_000,
      intervalMs: 100,
    });
    const podsSeconds = (performance.now() - podsStarted) / 1000;
    const pids = await findOwnedProcesses(new ClusterPaths(name).owner);
    return {
      'cluster up': upSeconds,
      '3 demo pods ready': podsSeconds,
      'total RSS': await memoryMiB(pids, 'VmRSS'),
      // RSS counts the shared kube binary's pages once per process; PSS splits them.
      'total PSS': await memoryMiB(pids, 'Pss'),
    };
  } finally {
    await downCluster(name);
    delete process.env.TESTBED_STATE_DIR;
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** Binaries must come from the cache: a build would be timed otherwise. */
export async function ensureCachedBinaries(): Promise<void> {
  await provisionBinaries(CLUSTER_BINARIES);
}
