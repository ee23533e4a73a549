import { readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterInfo } from '../../clusters/embedded/index.ts';
import { provisionBinaries } from '../../clusters/components/index.ts';
import { KubeClient, type KubeObject } from '../../clusters/kube/index.ts';
import { findOwnedProcesses } from '../../clusters/process/index.ts';
import { runLoad } from '../../load/index.ts';
import { runCli, waitFor } from '../helpers/cli.ts';
import { flaggerIstioQuery } from '../helpers/flagger-queries.ts';
import { testStateDir } from '../helpers/test-state.ts';

const NS = 'default';
const HOST = 'web.example.com';
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** GET through the gateway with a Host header (fetch may not set Host). */
function viaGateway(gatewayUrl: string, host: string, path = '/'): Promise<{ status: number; flag: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${gatewayUrl}${path}`, { headers: { host }, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, flag: String(res.headers['x-testbed-response-flags'] ?? '-'), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const deployment = (version: string, replicas: number, env: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: `web-${version}`, namespace: NS },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web', version } },
    template: {
      metadata: { labels: { app: 'web', version } },
      spec: {
        containers: [{
          name: 'app',
          image: 'delivery-testbed/demo-app:1',
          ports: [{ name: 'http', containerPort: 8080 }],
          env: Object.entries({ VERSION: version, ...env }).map(([name, value]) => ({ name, value })),
          readinessProbe: { httpGet: { path: '/readyz', port: 8080 }, periodSeconds: 1 },
        }],
      },
    },
  },
});

const virtualService = (http: object[]): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'web', namespace: NS },
  spec: { hosts: [HOST], gateways: ['web-gw'], http },
});

describe('mesh data plane (integration)', function () {
  this.timeout(180_000);
  let stateDir = '';
  let vegeta = '';
  let info: ClusterInfo;
  let kube: KubeClient;
  const name = `mesh-${process.pid}`;
  const env = () => ({ TESTBED_STATE_DIR: stateDir });
  const apply = async (o: KubeObject) => {
    const res = await kube.apply(o, { fieldManager: 'mesh-test', force: true });
    if (res.status >= 300) throw new Error(`apply ${o.kind}/${o.metadata.name}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  };

  /** `count` requests through the gateway, `concurrency` at a time; the versions and statuses seen. */
  async function send(count: number, path = '/', concurrency = 8) {
    const statuses: number[] = [];
    const versions: string[] = [];
    const flags: string[] = [];
    /** Status codes by the version that answered (the demo app names itself in errors too). */
    const byVersion: Record<string, number[]> = {};
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const res = await viaGateway(info.gatewayUrl, HOST, path);
        statuses.push(res.status);
        flags.push(res.flag);
        if (res.status === 200) versions.push((JSON.parse(res.body) as { version: string }).version);
        const answeredBy = res.flag === '-' ? (JSON.parse(res.body) as { version?: string }).version : undefined;
        if (answeredBy) (byVersion[answeredBy] ??= []).push(res.status);
      }
    }));
    return { statuses, versions, flags, byVersion };
  }

  /** Steady vegeta load through the gateway. */
  const load = (name: string, rps: number, seconds: number) =>
    runLoad({ vegeta, name, target: { url: `${info.gatewayUrl}/`, host: HOST }, profile: { kind: 'steady', rps, seconds }, workDir: join(stateDir, 'load') });

  async function promQuery(promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
    const res = await fetch(`${info.prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    return ((await res.json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } }).data.result;
  }

  before(async () => {
    vegeta = (await provisionBinaries(['vegeta'])).vegeta!.path;
    stateDir = await testStateDir('mesh');
    const up = await runCli(['cluster', 'up', '--name', name], env());
    expect(up.exitCode, up.all).to.equal(0);
    info = JSON.parse(await readFile(join(stateDir, 'clusters', name, 'cluster.json'), 'utf8')) as ClusterInfo;
    const kc = new KubeConfig();
    kc.loadFromFile(info.kubeconfig);
    kube = await KubeClient.fromKubeConfig(kc);
    for (const o of [
      deployment('v1', 2),
      deployment('v2', 1),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
      deployment('v3', 1, { ERROR_RATE: '0.3', LATENCY_MS: '150' }),
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: 'web', namespace: NS },
        spec: { host: 'web', subsets: ['v1', 'v2', 'v3'].map((v) => ({ name: v, labels: { version: v } })) },
      },
      { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'web-gw', namespace: NS }, spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [HOST] }] } },
    ] as KubeObject[]) await apply(o);
    await waitFor(async () => {
      const pods = await kube.call<{ items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }> }>('GET', `/api/v1/namespaces/${NS}/pods?labelSelector=app%3Dweb`);
      return pods.items.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length === 4;
    }, 60_000, '4 ready web pods');
  });

  after(async () => {
    agent.destroy();
    kube?.close();
    await runCli(['cluster', 'down', '--name', name], env());
    await rm(stateDir, { recursive: true, force: true });
  });

  it('splits 90/10 by weight under vegeta at 200 rps for 20 s, and Prometheus sees the same split and the same count', async () => {
    await apply(virtualService([{ route: [{ destination: { host: 'web', subset: 'v1' }, weight: 90 }, { destination: { host: 'web', subset: 'v2' }, weight: 10 }] }]));
    await waitFor(async () => (await viaGateway(info.gatewayUrl, HOST)).status === 200, 10_000, 'the route');
    const seen = async () => {
      const result = await promQuery(`sum by (destination_workload) (istio_requests_total{reporter="destination",destination_service_name="web"})`);
      return Object.fromEntries(result.map((r) => [r.metric.destination_workload, Number(r.value[1])]));
    };
    // Settle the counters first: the probe above must not count as load.
    await new Promise((r) => setTimeout(r, 3000));
    const before = await seen();
    const summary = await load('split', 200, 20);
    expect(summary.failures, JSON.stringify(summary.failuresByStatus)).to.equal(0);
    expect(summary.requests).to.be.within(3900, 4100);
    const grown = (counts: Record<string, number>, workload: string) => (counts[workload] ?? 0) - (before[workload] ?? 0);
    const after = await waitFor(async () => {
      const counts = await seen();
      return grown(counts, 'web-v1') + grown(counts, 'web-v2') >= summary.requests ? counts : undefined;
    }, 15_000, 'Prometheus to scrape every request vegeta sent');
    const total = grown(after, 'web-v1') + grown(after, 'web-v2');
    expect(Math.abs(total - summary.requests) / summary.requests).to.be.below(0.02);
    expect(grown(after, 'web-v2') / total).to.be.within(0.07, 0.13);
  });

  it('moves traffic within 2 s of a weight change', async () => {
    await apply(virtualService([{ route: [{ destination: { host: 'web', subset: 'v1' }, weight: 0 }, { destination: { host: 'web', subset: 'v2' }, weight: 100 }] }]));
    const changed = Date.now();
    await waitFor(async () => (await send(20, '/', 4)).versions.every((v) => v === 'v2'), 5_000, 'all traffic on v2');
    expect(Date.now() - changed).to.be.below(2000);
  });

  it('injects a 50% abort fault, seen alike by vegeta and by Prometheus', async () => {
    await apply(virtualService([{ fault: { abort: { httpStatus: 500, percentage: { value: 50 } } }, route: [{ destination: { host: 'web', subset: 'v1' } }] }]));
    await new Promise((r) => setTimeout(r, 500));
    const faultedSoFar = async () => Number((await promQuery(`sum(istio_requests_total{reporter="source",destination_service_name="web",response_flags="FI",response_code="500"})`))[0]?.value[1] ?? 0);
    const before = await faultedSoFar();
    const summary = await load('abort', 200, 5);
    const aborted = summary.statusCodes['500'] ?? 0;
    expect(aborted / summary.requests).to.be.within(0.45, 0.55);
    expect(aborted + (summary.statusCodes['200'] ?? 0)).to.equal(summary.requests);
    const faulted = await waitFor(async () => {
      const n = (await faultedSoFar()) - before;
      return n >= aborted ? n : undefined;
    }, 15_000, 'the aborted requests in Prometheus');
    expect(faulted).to.equal(aborted);
  });

  it('gives Flagger\'s own success-rate and duration queries the values a healthy and a faulty workload should have', async () => {
    await apply(virtualService([{ route: [{ destination: { host: 'web', subset: 'v1' }, weight: 50 }, { destination: { host: 'web', subset: 'v3' }, weight: 50 }] }]));
    await new Promise((r) => setTimeout(r, 500));
    // rate() ignores what a series counted before its first scrape, so the series must exist before the measured batch.
    const v3Seen = async () => Number((await promQuery(`sum(istio_requests_total{reporter="destination",destination_workload="web-v3"})`))[0]?.value[1] ?? 0);
    const warmUp = (await send(60, '/', 16)).byVersion.v3?.length ?? 0;
    await waitFor(async () => (await v3Seen()) >= warmUp, 15_000, 'the warm-up requests in Prometheus');
    const { byVersion } = await send(400, '/', 16);
    const v3 = byVersion.v3 ?? [];
    await waitFor(async () => (await v3Seen()) >= warmUp + v3.length, 15_000, 'the measured requests in Prometheus');
    const predictedRate = (100 * v3.filter((s) => s < 500).length) / v3.length;
    const value = async (query: string) => Number((await promQuery(query))[0]?.value[1]);
    const model = (target: string) => ({ namespace: NS, target, interval: '1m' });
    const queries = await Promise.all([
      flaggerIstioQuery('request-success-rate', model('web-v1')),
      flaggerIstioQuery('request-success-rate', model('web-v3')),
      flaggerIstioQuery('request-duration', model('web-v1')),
      flaggerIstioQuery('request-duration', model('web-v3')),
    ]);
    // rate() needs two scrapes of every series in the window.
    const [healthyRate, faultyRate, healthyP99, faultyP99] = await waitFor(async () => {
      const values = await Promise.all(queries.map(value));
      return values.every(Number.isFinite) ? (values as [number, number, number, number]) : undefined;
    }, 30_000, 'all four queries to have values');
    expect(healthyRate).to.equal(100);
    expect(predictedRate).to.be.within(55, 85, 'ERROR_RATE 0.3');
    expect(Math.abs(faultyRate - predictedRate)).to.be.below(5, `Prometheus ${faultyRate} vs the ${predictedRate.toFixed(1)}% the clients saw`);
    expect(healthyP99).to.be.below(50);
    expect(faultyP99).to.be.within(150, 250, 'LATENCY_MS 150 falls in the 100–250 ms bucket');
  });

  it('stops sending new requests to a pod that stops being ready', async () => {
    // A second workload in subset v1, whose readiness a ConfigMap controls.
    await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra-config', namespace: NS }, data: { 'config.json': '{"version":"v1"}' } } as KubeObject);
    const extra = deployment('v1', 1);
    (extra.metadata as { name: string }).name = 'web-extra';
    const template = (extra.spec as { template: { spec: { containers: Array<Record<string, unknown>>; volumes?: unknown[] } } }).template;
    template.spec.containers[0]!.volumeMounts = [{ name: 'config', mountPath: '/etc/demo-app' }];
    template.spec.volumes = [{ name: 'config', configMap: { name: 'extra-config' } }];
    await apply(extra);
    await apply(virtualService([{ route: [{ destination: { host: 'web', subset: 'v1' } }] }]));
    const podsServing = async () => {
      const responses = await Promise.all(Array.from({ length: 30 }, () => viaGateway(info.gatewayUrl, HOST)));
      return new Set(responses.filter((r) => r.status === 200).map((r) => (JSON.parse(r.body) as { pod: string }).pod));
    };
    await waitFor(async () => [...(await podsServing())].some((p) => p.startsWith('web-extra-')), 60_000, 'the extra pod to serve');
    await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra-config', namespace: NS }, data: { 'config.json': '{"version":"v1","ready":false}' } } as KubeObject);
    const unready = Date.now();
    await waitFor(async () => ![...(await podsServing())].some((p) => p.startsWith('web-extra-')), 20_000, 'the unready pod to leave the rotation');
    expect(Date.now() - unready).to.be.below(10_000, 'config sync (2 s) + failureThreshold 3 × period 1 s + watch');
    const again = await podsServing();
    expect([...again].some((p) => p.startsWith('web-extra-'))).to.equal(false);
    expect(again.size).to.equal(2);
  });

  it('answers 503 with response flag NC when a VirtualService names no Service, and 404 NR with no route', async () => {
    await apply(virtualService([{ route: [{ destination: { host: 'nothing-here' } }] }]));
    await new Promise((r) => setTimeout(r, 500));
    const res = await viaGateway(info.gatewayUrl, HOST);
    expect([res.status, res.flag]).to.deep.equal([503, 'NC']);
    expect((JSON.parse(res.body) as { error: string }).error).to.include('routes to host "nothing-here", which names no Service');
    const none = await viaGateway(info.gatewayUrl, 'unknown.example.org');
    expect([none.status, none.flag]).to.deep.equal([404, 'NR']);
  });
  it('`testbed load` drives the demo app through the gateway, reports what vegeta saw, and leaves nothing running', async () => {
    const docs = parseAllDocuments(await readFile(new URL('../../demo-app/kubernetes.yaml', import.meta.url), 'utf8')).map((d) => d.toJS() as KubeObject);
    for (const o of docs) await apply(o);
    const noRoute = await runCli(['load', '--name', name, '--host', 'nowhere.example.com', '--duration', '1s'], env());
    expect([noRoute.exitCode, noRoute.stderr]).to.satisfy(([code, err]: [number, string]) => code === 2 && err.includes('no route for Host nowhere.example.com'));
    await waitFor(async () => (await viaGateway(info.gatewayUrl, 'demo.example.com')).status === 200, 60_000, 'the demo app behind demo.example.com');
    const out = join(stateDir, 'load-cli');
    const run = await runCli(['load', '--name', name, '--rps', '100', '--duration', '3s', '--max-failure-ratio', '0', '--out', out], env());
    expect(run.exitCode, run.all).to.equal(0);
    expect(run.stdout).to.match(/300 requests at 1\d\d\.\d\/s to http:\/\/127\.0\.0\.1:\d+\/ \(Host demo\.example\.com\)/);
    expect(run.stdout).to.include('failed: 0').and.include('threshold failure ratio <= 0: ok');
    const load = /testbed_load_requests_total\{load="([^"]+)"\}/.exec(run.stdout)![1]!;
    const counted = Number((await promQuery(`sum(testbed_load_requests_total{load="${load}"})`))[0]?.value[1]);
    expect(counted).to.equal(300);
    const crossed = await runCli(['load', '--name', name, '--rps', '50', '--duration', '1s', '--max-p99', '0.001', '--out', out], env());
    expect(crossed.exitCode, crossed.all).to.equal(1);
    expect(crossed.stdout).to.include('threshold p99 ms <= 0.001: CROSSED');
    const owned = await findOwnedProcesses(info.stateDir);
    const commands = await Promise.all(owned.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')));
    expect(commands.filter((c) => c.startsWith(vegeta))).to.deep.equal([]);
  });
  it('serves each Service on its own loopback address, honouring mesh-bound VirtualServices', async () => {
    const web = await kube.get<KubeObject & { spec: { clusterIP: string } }>({ apiVersion: 'v1', kind: 'Service', namespace: NS, name: 'web' });
    const address = `${info.podNetwork}.0.${web.spec.clusterIP.split('.')[3]}`;
    const viaService = () => viaGateway(`http://${address}:80`, 'web');
    await waitFor(async () => (await viaService()).status === 200, 10_000, `Service web on ${address}:80`);
    const direct = await Promise.all(Array.from({ length: 20 }, viaService));
    // web-v3 answers 30% of its requests with 500 on purpose; what matters is that pods answered.
    expect(direct.map((r) => r.flag)).to.deep.equal(direct.map(() => '-'), 'no failure of the mesh itself');
    expect(new Set(direct.map((r) => (JSON.parse(r.body) as { version: string }).version))).to.deep.equal(new Set(['v1', 'v2', 'v3']), 'no VirtualService: every ready pod of the Service');
    await apply({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'web-mesh', namespace: NS }, spec: { hosts: ['web'], gateways: ['mesh'], http: [{ route: [{ destination: { host: 'web', subset: 'v2' } }] }] } } as KubeObject);
    await waitFor(async () => (await Promise.all(Array.from({ length: 10 }, viaService))).every((r) => (JSON.parse(r.body) as { version: string }).version === 'v2'), 5_000, 'the mesh VirtualService to send all to v2');
    const seen = await waitFor(async () => Number((await promQuery(`sum(istio_requests_total{reporter="source",source_workload="unknown",destination_service_name="web",destination_workload="web-v2"})`))[0]?.value[1] ?? 0), 15_000, 'service-to-service requests in Prometheus');
    expect(seen).to.be.above(0);
  });
});


