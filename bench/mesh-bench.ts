import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminClient, downCluster, upCluster, type ClusterInfo } from '../clusters/embedded/index.ts';
import { KubeClient, type KubeObject } from '../clusters/kube/index.ts';
import { poll } from '../clusters/poll.ts';
import { provisionBinaries } from '../clusters/components/index.ts';
import { runLoad } from '../load/index.ts';
import { cpuSeconds, memoryMiB } from './process-stats.ts';

const HOST = 'bench.example.com';
/** A cluster with one demo pod behind a Service, a Gateway and a VirtualService; torn down by `close`. */
export async function meshBenchCluster(): Promise<{ info: ClusterInfo; podUrl: string; close(): Promise<void> }> {
  const stateDir = await mkdtemp(join(tmpdir(), 'testbed-bench-mesh-'));
  process.env.TESTBED_STATE_DIR = stateDir;
  const name = `bench-mesh-${process.pid}`;
  const info = await upCluster({ name });
  const kube = await KubeClient.fromKubeConfig(adminClient(info));
  const ns = 'default';
  const objects: KubeObject[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'bench', namespace: ns },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'bench' } },
        template: { metadata: { labels: { app: 'bench' } }, spec: { containers: [{ name: 'app', image: 'delivery-testbed/demo-app:1', ports: [{ containerPort: 8080 }], readinessProbe: { httpGet: { path: '/readyz', port: 8080 }, periodSeconds: 1 } }] } },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bench', namespace: ns }, spec: { selector: { app: 'bench' }, ports: [{ port: 80, targetPort: 8080 }] } },
    { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'bench', namespace: ns }, spec: { servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [HOST] }] } },
    { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'bench', namespace: ns }, spec: { hosts: [HOST], gateways: ['bench'], http: [{ route: [{ destination: { host: 'bench' } }] }] } },
  ];
  for (const o of objects) await kube.apply(o, { fieldManager: 'bench', force: true });
  const podIP = await poll({
    what: 'the bench pod to be Ready',
    probe: async () => {
      const pods = await kube.call<{ items: Array<{ status?: { podIP?: string; conditions?: Array<{ type: string; status: string }> } }> }>('GET', `/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dbench`);
      return pods.items.find((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))?.status?.podIP;
    },
    timeoutMs: 300_000,
  });
  kube.close();
  return {
    info,
    podUrl: `http://${podIP}:8080/`,
    async close() {
      await downCluster(name);
      delete process.env.TESTBED_STATE_DIR;
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** One measurement: vegeta at `rps` for `seconds`, straight to the pod or through the gateway. */
export async function meshRun(cluster: Awaited<ReturnType<typeof meshBenchCluster>>, path: 'direct' | 'gateway', rps: number, seconds: number): Promise<Record<string, number>> {
  const meshPid = cluster.info.processes.mesh!;
  const { vegeta } = await provisionBinaries(['vegeta']);
  const cpuBefore = await cpuSeconds(meshPid);
  const summary = await runLoad({
    vegeta: vegeta!.path,
    name: `${path}-${rps}`,
    target: path === 'direct' ? { url: cluster.podUrl } : { url: `${cluster.info.gatewayUrl}/`, host: HOST },
    profile: { kind: 'steady', rps, seconds },
    workDir: join(cluster.info.stateDir, 'bench-load'),
  });
  const cpu = (await cpuSeconds(meshPid)) - cpuBefore;
  return {
    p50: summary.latencyMs.p50,
    p90: summary.latencyMs.p90,
    p99: summary.latencyMs.p99,
    'failed requests': summary.failures,
    // Below the target rate when vegeta fell behind.
    'achieved rps': summary.achievedRps,
    ...(path === 'gateway' ? { 'mesh vCPU per 1000 rps': (cpu / seconds) * (1000 / rps), 'mesh RSS': await memoryMiB([meshPid], 'VmRSS') } : {}),
  };
}
