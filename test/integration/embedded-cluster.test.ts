import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import { AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import { ClusterPaths, DEMO_IMAGE, serviceEndpoints, type ClusterInfo } from '../../clusters/embedded/index.ts';
import { findOwnedProcesses } from '../../clusters/process/index.ts';
import { parse, parseAllDocuments } from 'yaml';
import { planKindCluster } from '../../clusters/kind/index.ts';
import { KubeClient, type KubeObject } from '../../clusters/kube/index.ts';
import { silentProgress } from '../../clusters/progress.ts';
import { runCli, waitFor } from '../helpers/cli.ts';
import { testStateDir } from '../helpers/test-state.ts';

const NS = 'default';
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
}

function demoDeployment(
  name: string,
  replicas: number,
  extra: { env?: Record<string, string>; podSpec?: object; container?: object; annotations?: Record<string, string> } = {},
): V1Deployment {
  return {
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: { app: name }, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
        spec: {
          terminationGracePeriodSeconds: 5,
          containers: [
            {
              name: 'demo-app',
              image: `${DEMO_IMAGE}:1`,
              ports: [{ name: 'http', containerPort: 8080 }],
              env: Object.entries(extra.env ?? {}).map(([k, value]) => ({ name: k, value })),
              ...extra.container,
            },
          ],
          ...extra.podSpec,
        },
      },
    },
  };
}

describe('embedded cluster (integration)', function () {
  this.timeout(180_000);
  let stateDir = '';
  let info: ClusterInfo;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  const env = () => ({ TESTBED_STATE_DIR: stateDir });
  const name = `it-${process.pid}`;

  const pods = async (app: string) => (await core.listNamespacedPod({ namespace: NS, labelSelector: `app=${app}` })).items;
  const ready = (p: V1Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const readyPods = async (app: string, n: number) => {
    const list = (await pods(app)).filter((p) => ready(p) && !p.metadata?.deletionTimestamp);
    return list.length === n ? list : undefined;
  };
  const get = async (pod: V1Pod, path: string) => (await fetch(`http://${pod.status!.podIP}:8080${path}`, { signal: AbortSignal.timeout(2000) })).text();

  before(async () => {
    stateDir = await testStateDir('it');
    // The starter `testbed init` writes, its image mapped beside busybox.
    const init = await runCli(['init', join(stateDir, 'starter')]);
    expect(init.exitCode, init.all).to.equal(0);
    const starterImages = (parse(await readFile(join(stateDir, 'starter', 'images.yaml'), 'utf8')) as { images: Record<string, unknown> }).images;
    const images = join(stateDir, 'images.yaml');
    await writeFile(images, JSON.stringify({ images: { busybox: { command: [] }, ...starterImages } }));
    const up = await runCli(['cluster', 'up', '--name', name, '--nodes', '2', '--images', images], env());
    expect(up.exitCode, up.all).to.equal(0);
    expect(up.stdout).to.match(/^export KUBECONFIG=.+kubeconfig$/m);
    info = JSON.parse(await readFile(join(stateDir, 'clusters', name, 'cluster.json'), 'utf8')) as ClusterInfo;
    const kc = new KubeConfig();
    kc.loadFromFile(info.kubeconfig);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
  });

  after(async () => {
    if (!info) return;
    const down = await runCli(['cluster', 'down', '--name', name], env());
    expect(down.exitCode, down.all).to.equal(0);
    process.env.TESTBED_STATE_DIR = stateDir;
    const owner = new ClusterPaths(name).owner;
    delete process.env.TESTBED_STATE_DIR;
    expect(await findOwnedProcesses(owner), 'processes left after down').to.deep.equal([]);
    for (const port of Object.values(info.ports)) expect(await listening(port), `port ${port} still listening`).to.equal(false);
    await rm(stateDir, { recursive: true, force: true });
  });

  it('registers every node Ready, with a Lease heartbeat', async () => {
    const nodes = (await core.listNode()).items;
    expect(nodes.map((n) => n.metadata?.name).sort()).to.deep.equal(['node-1', 'node-2']);
    for (const n of nodes) expect(n.status?.conditions?.find((c) => c.type === 'Ready')?.status).to.equal('True');
    const status = await runCli(['cluster', 'status', '--name', name], env());
    expect(status.stdout).to.include('node-1 Ready, node-2 Ready');
  });

  it('runs 3 replicas on 3 distinct loopback addresses that answer /version, and rolls out a new version gracefully', async () => {
    await apps.createNamespacedDeployment({ namespace: NS, body: demoDeployment('web', 3, { container: { readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 1 } } }) });
    const first = await waitFor(() => readyPods('web', 3), 60_000, '3 ready web pods');
    const ips = first.map((p) => p.status!.podIP!);
    expect(new Set(ips).size).to.equal(3);
    for (const ip of ips) expect(ip).to.match(new RegExp(`^${info.podNetwork.replace('.', '\\.')}\\.\\d+\\.\\d+$`));
    for (const p of first) expect(JSON.parse(await get(p, '/version')).version).to.equal('1');
    const oldHash = first[0]!.metadata!.labels!['pod-template-hash'];

    await apps.patchNamespacedDeployment(
      { name: 'web', namespace: NS, body: { spec: { template: { spec: { containers: [{ name: 'demo-app', env: [{ name: 'VERSION', value: '2' }] }] } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const second = await waitFor(async () => {
      const all = await pods('web');
      const fresh = all.filter((p) => p.metadata!.labels!['pod-template-hash'] !== oldHash && ready(p));
      return fresh.length === 3 && all.length === 3 ? fresh : undefined;
    }, 90_000, 'the rollout to replace all 3 pods');
    for (const p of second) expect(JSON.parse(await get(p, '/version')).version).to.equal('2');
    const rs = (await apps.listNamespacedReplicaSet({ namespace: NS, labelSelector: 'app=web' })).items;
    expect(rs).to.have.length(2);
    // Old pods got SIGTERM and drained: the demo app logs it from its handler.
    for (const p of first) {
      const logs = await runCli(['logs', p.metadata!.name!, '--name', name], env());
      expect(logs.stdout, `log of ${p.metadata!.name}`).to.include('SIGTERM, draining');
    }
  });

  it('scales, and replaces a deleted pod', async () => {
    await apps.patchNamespacedDeploymentScale({ name: 'web', namespace: NS, body: { spec: { replicas: 4 } } }, mergePatch);
    const four = await waitFor(() => readyPods('web', 4), 60_000, '4 ready web pods');
    await core.deleteNamespacedPod({ name: four[0]!.metadata!.name!, namespace: NS });
    const replaced = await waitFor(async () => {
      const list = await readyPods('web', 4);
      return list && !list.some((p) => p.metadata!.uid === four[0]!.metadata!.uid) ? list : undefined;
    }, 60_000, 'a replacement pod');
    expect(replaced).to.have.length(4);
  });

  it('holds a rollout whose new pods never become ready (maxUnavailable 0)', async () => {
    await apps.createNamespacedDeployment({ namespace: NS, body: demoDeployment('held', 2, { container: { readinessProbe: { httpGet: { path: '/readyz', port: 8080 }, periodSeconds: 1 } } }) });
    await waitFor(() => readyPods('held', 2), 60_000, '2 ready held pods');
    await apps.patchNamespacedDeployment(
      { name: 'held', namespace: NS, body: { spec: { template: { spec: { containers: [{ name: 'demo-app', readinessProbe: { httpGet: { path: '/status/500', port: 8080 }, periodSeconds: 1, failureThreshold: 1 } }] } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    await waitFor(async () => (await pods('held')).length === 3, 30_000, 'the surge pod');
    await new Promise((r) => setTimeout(r, 6000));
    const d = await apps.readNamespacedDeployment({ name: 'held', namespace: NS });
    expect(d.status?.availableReplicas).to.equal(2);
    expect(d.status?.updatedReplicas).to.equal(1);
    expect((await pods('held')).filter(ready)).to.have.length(2);
  });

  it('shows an edited ConfigMap in the mounted file within the sync period', async () => {
    await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'demo-config' }, data: { 'config.json': '{"version":"cm-1"}' } } });
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: demoDeployment('configured', 1, {
        container: { volumeMounts: [{ name: 'config', mountPath: '/etc/demo-app' }] },
        podSpec: { volumes: [{ name: 'config', configMap: { name: 'demo-config' } }] },
      }),
    });
    const [pod] = await waitFor(() => readyPods('configured', 1), 60_000, 'the configured pod');
    await waitFor(async () => (await get(pod!, '/config')).includes('cm-1'), 10_000, 'the first config');
    await core.patchNamespacedConfigMap({ name: 'demo-config', namespace: NS, body: { data: { 'config.json': '{"version":"cm-2"}' } } }, mergePatch);
    const edited = Date.now();
    await waitFor(async () => (await get(pod!, '/config')).includes('cm-2'), 10_000, 'the edited config');
    expect(Date.now() - edited).to.be.below(5000);
    expect(JSON.parse(await get(pod!, '/version')).version).to.equal('cm-2');
  });

  it('builds env from value, ConfigMap, Secret and the downward API, for a user-mapped image', async () => {
    await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'creds' }, stringData: { PASSWORD: 'pw-123' } } });
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'env-check', labels: { app: 'env-check' } },
        spec: {
          restartPolicy: 'Never',
          containers: [{
            name: 'sh',
            image: 'busybox:1.36',
            command: ['sh', '-c', 'echo "GREETING=$GREETING PW_LEN=${#PASSWORD} NODE=$NODE IP=$MY_IP"'],
            env: [
              { name: 'GREETING', value: 'hi-$(NODE)' },
              { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'PASSWORD' } } },
              { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            ],
            envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'demo-config' } }],
          }],
        },
      },
    });
    const pod = await waitFor(async () => {
      const p = await core.readNamespacedPod({ name: 'env-check', namespace: NS });
      return p.status?.phase === 'Succeeded' ? p : undefined;
    }, 30_000, 'env-check to succeed');
    const logs = await runCli(['logs', 'env-check', '--name', name], env());
    expect(logs.stdout).to.include(`PW_LEN=6 NODE= IP=${pod.status!.podIP}`);
    expect(logs.stdout).to.include('GREETING=hi-$(NODE)');
  });

  it('leaves an unmapped image Waiting with ErrImagePull and a clear message', async () => {
    await core.createNamespacedPod({ namespace: NS, body: { metadata: { name: 'unmapped' }, spec: { containers: [{ name: 'c', image: 'example.com/nothing:1' }] } } });
    const waiting = await waitFor(async () => {
      const p = await core.readNamespacedPod({ name: 'unmapped', namespace: NS });
      return p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImagePull' ? p.status.containerStatuses[0].state.waiting : undefined;
    }, 30_000, 'ErrImagePull');
    expect(waiting.message).to.include('image "example.com/nothing:1" has no command mapping');
  });

  it('restarts a container whose liveness probe fails, and counts the restart', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'unhealthy' },
        spec: { containers: [{ name: 'demo-app', image: `${DEMO_IMAGE}:1`, livenessProbe: { httpGet: { path: '/status/500', port: 8080 }, periodSeconds: 1, failureThreshold: 2 } }] },
      },
    });
    const status = await waitFor(async () => {
      const p = await core.readNamespacedPod({ name: 'unhealthy', namespace: NS });
      const s = p.status?.containerStatuses?.[0];
      return s && s.restartCount >= 1 ? s : undefined;
    }, 60_000, 'a liveness restart');
    expect(status.lastState?.terminated?.message).to.include('failed liveness probe');
  });

  it('runs init containers in order before the app, and gates probes on the startup probe', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'staged' },
        spec: {
          initContainers: [
            { name: 'first', image: 'busybox', command: ['sh', '-c', 'echo first > $CONTAINER_ROOT/order'] },
            { name: 'second', image: 'busybox', command: ['sh', '-c', 'echo second >> $CONTAINER_ROOT/order'] },
          ],
          containers: [{
            name: 'app',
            image: 'busybox',
            command: ['sh', '-c', 'cat $CONTAINER_ROOT/order; sleep 2; touch $CONTAINER_ROOT/started; sleep 600'],
            startupProbe: { exec: { command: ['sh', '-c', 'test -f $CONTAINER_ROOT/started'] }, periodSeconds: 1, failureThreshold: 30 },
            readinessProbe: { exec: { command: ['true'] }, periodSeconds: 1 },
          }],
        },
      },
    });
    const notYet = await waitFor(async () => {
      const p = await core.readNamespacedPod({ name: 'staged', namespace: NS });
      return p.status?.containerStatuses?.[0]?.state?.running ? p : undefined;
    }, 30_000, 'the app container to run');
    expect(notYet.status!.initContainerStatuses!.map((c) => c.state?.terminated?.exitCode)).to.deep.equal([0, 0]);
    expect(notYet.status!.containerStatuses![0]!.started).to.equal(false);
    const started = await waitFor(async () => {
      const p = await core.readNamespacedPod({ name: 'staged', namespace: NS });
      return ready(p) ? p : undefined;
    }, 30_000, 'the pod to be ready after its startup probe');
    expect(started.status!.containerStatuses![0]!.started).to.equal(true);
    const logs = await runCli(['logs', 'staged', '-c', 'app', '--name', name], env());
    expect(logs.stdout).to.equal('first\nsecond');
  });

  it('restarts a failing container under restartPolicy OnFailure, and lets a successful one finish', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'flaky-job' },
        spec: {
          restartPolicy: 'OnFailure',
          containers: [{ name: 'job', image: 'busybox', command: ['sh', '-c', 'if [ -f $CONTAINER_ROOT/once ]; then exit 0; fi; touch $CONTAINER_ROOT/once; exit 3'] }],
        },
      },
    });
    const done = await waitFor(async () => {
      const p = await core.readNamespacedPod({ name: 'flaky-job', namespace: NS });
      return p.status?.phase === 'Succeeded' ? p : undefined;
    }, 30_000, 'the job to succeed after one restart');
    const status = done.status!.containerStatuses![0]!;
    expect(status.restartCount).to.equal(1);
    expect(status.lastState?.terminated?.exitCode).to.equal(3);
    expect(status.state?.terminated?.exitCode).to.equal(0);
  });

  it('works out Service endpoints from pods (EndpointSlices cannot carry loopback addresses)', async () => {
    const svc = await core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } } });
    const endpoints = serviceEndpoints(svc, await pods('web'));
    expect(endpoints.filter((e) => e.ready)).to.have.length(4);
    for (const e of endpoints) expect(e.targetPort).to.equal(8080);
  });

  it('runs Prometheus, which finds annotated pods through the API server and scrapes the control plane', async () => {
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: demoDeployment('scraped', 1, {
        annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080' },
        container: { readinessProbe: { httpGet: { path: '/readyz', port: 8080 }, periodSeconds: 1 } },
      }),
    });
    const [pod] = await waitFor(() => readyPods('scraped', 1), 60_000, 'the annotated pod');
    await get(pod!, '/version');
    const query = async (promql: string) => {
      const res = await fetch(`${info.prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
      return ((await res.json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } }).data.result;
    };
    const scraped = await waitFor(async () => {
      const result = await query('demo_http_requests_total{route="/version"}');
      return result.length ? result : undefined;
    }, 30_000, 'the demo pod\'s metrics in Prometheus');
    expect(scraped[0]!.metric).to.include({ pod: pod!.metadata!.name, namespace: NS, app: 'scraped' });
    for (const job of ['kube-controller-manager', 'kube-scheduler', 'prometheus']) {
      await waitFor(async () => (await query(`up{job="${job}"} == 1`)).length === 1, 20_000, `${job} scraped`);
    }
    const flags = (await (await fetch(`${info.prometheusUrl}/api/v1/status/flags`)).json()) as { data: Record<string, string> };
    expect(flags.data['web.enable-remote-write-receiver']).to.equal('true');
    expect(flags.data['web.listen-address']).to.match(/^127\.0\.0\.1:/);
  });

  it('serves Istio\'s Gateway, VirtualService and DestinationRule from the pinned CRDs, schema intact', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(info.kubeconfig);
    const { CustomObjectsApi } = await import('@kubernetes/client-node');
    const custom = kc.makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({
      group: 'networking.istio.io', version: 'v1', namespace: NS, plural: 'virtualservices',
      body: {
        apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'web' },
        spec: { hosts: ['web'], http: [{ route: [{ destination: { host: 'web', subset: 'v1' }, weight: 90 }, { destination: { host: 'web', subset: 'v2' }, weight: 10 }], retries: { attempts: 2 } }] },
      },
    });
    const read = (await custom.getNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace: NS, plural: 'virtualservices', name: 'web' })) as { spec: { http: Array<{ route: Array<{ weight: number }>; retries: { attempts: number } }> } };
    expect(read.spec.http[0]!.route.map((r) => r.weight)).to.deep.equal([90, 10]);
    expect(read.spec.http[0]!.retries.attempts).to.equal(2);
    for (const plural of ['gateways', 'destinationrules']) {
      await custom.listNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace: NS, plural });
    }
  });

  it("accepts the kind provider's generated install manifests in a server-side dry run (CRDs installed first)", async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(info.kubeconfig);
    const kube = await KubeClient.fromKubeConfig(kc);
    try {
      const { plan } = await planKindCluster('dry-run', silentProgress);
      const objects = ['flagger.yaml', 'reloader.yaml'].flatMap((f) => (parseAllDocuments(plan.files[f]!).map((d) => d.toJS()) as KubeObject[]).filter(Boolean));
      const applied = async (o: KubeObject, dryRun: boolean) => {
        const res = await kube.apply(o, { fieldManager: 'kind-plan-test', dryRun });
        return `${o.kind}/${o.metadata.name}: ${res.status}${res.status >= 300 ? ` ${JSON.stringify(res.body).slice(0, 300)}` : ''}`;
      };
      // CRDs and the namespace must exist for the rest to be validated; everything else is a dry run.
      const real = objects.filter((o) => o.kind === 'CustomResourceDefinition' || o.kind === 'Namespace');
      for (const o of real) expect(await applied(o, false)).to.match(/: 20\d$/);
      await waitFor(async () => (await kube.request('GET', '/apis/flagger.app/v1beta1/canaries')).status === 200, 30_000, 'the Canary CRD to be served');
      const rest = objects.filter((o) => !real.includes(o));
      expect(rest.map((o) => o.kind)).to.include.members(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Deployment']);
      for (const o of rest) expect(await applied(o, true)).to.match(/: 20\d$/);
      expect(rest.filter((o) => o.metadata.namespace === 'reloader').map((o) => o.kind)).to.include.members(['ServiceAccount', 'Role', 'RoleBinding', 'Deployment']);
      expect((await kube.request('GET', '/apis/apps/v1/namespaces/istio-system/deployments/flagger')).status).to.equal(404, 'a dry run stores nothing');
      expect((await kube.request('GET', '/apis/apps/v1/namespaces/reloader/deployments/reloader-reloader')).status).to.equal(404, 'a dry run stores nothing');
    } finally {
      kube.close();
    }
  });

  it("passes the scenario `testbed init` writes, on its image map, and fails its sabotage on (a); a map the cluster did not start with exits 2", async () => {
    const scenarios = join(stateDir, 'starter', 'scenarios');
    const run = (report: string, ...args: string[]) => runCli(['scenario', '--scenarios', scenarios, '--name', name, '--report-dir', join(stateDir, report), ...args], env());
    const passed = await run('starter-passed', '--images', join(stateDir, 'images.yaml'));
    expect(passed.exitCode, passed.all).to.equal(0);
    expect(passed.stderr).to.match(/my-app-ready\s+PASS/);
    const sabotaged = await run('starter-sabotaged', '--set', 'sabotage=wrong-probe');
    expect(sabotaged.exitCode, sabotaged.all).to.equal(1);
    const report = JSON.parse(await readFile(join(stateDir, 'starter-sabotaged', 'report.json'), 'utf8')) as { scenarios: Array<{ checks: Array<{ name: string; status: string; observed: unknown }> }> };
    expect(report.scenarios[0]!.checks.map((c) => [c.name, c.status, c.observed])).to.deep.equal([['(a) every replica became ready', 'fail', 0]]);
    const other = join(stateDir, 'starter', 'images.yaml');
    const refused = await run('starter-refused', '--images', other);
    expect(refused.exitCode, refused.all).to.equal(2);
    expect(refused.stderr.split('\n')[0]).to.equal(
      `error: --images ${other}: cluster "${name}" is running with the image map ${join(stateDir, 'images.yaml')}, and its node agent reads the map only when it starts; ` +
        `stop it (npm run cluster -- down --name ${name}) and run again, or start it with npm run cluster -- up --name ${name} --images ${other}`,
    );
  });

  it('reports a crashed component as broken, and `down` reaps what is left', async () => {
    process.kill(info.processes['kube-scheduler']!, 'SIGKILL');
    await waitFor(async () => (await runCli(['cluster', 'status', '--name', name], env())).exitCode === 2, 20_000, 'status to report broken');
    const status = await runCli(['cluster', 'status', '--name', name], env());
    expect(status.stdout).to.include('kube-scheduler (pid');
    expect(status.stdout).to.include('is not running');
  });
});

/**
 * Runs the CLI against a fresh state folder, sends `signal` once stderr shows `trigger`, and
 * returns the exit code with whatever processes and state the run left behind.
 */
async function interrupted(args: (name: string, dir: string) => string[], name: string, trigger: string, signal: NodeJS.Signals) {
  const stateDir = await testStateDir('interrupt');
  try {
    const run = runCli(args(name, stateDir), { TESTBED_STATE_DIR: stateDir });
    await new Promise<void>((resolve) => {
      run.stderr!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes(trigger)) resolve();
      });
    });
    run.kill(signal);
    const result = await run;
    process.env.TESTBED_STATE_DIR = stateDir;
    const owner = new ClusterPaths(name).owner;
    delete process.env.TESTBED_STATE_DIR;
    return { result, leftovers: await findOwnedProcesses(owner), state: await readdir(join(stateDir, 'clusters')).catch(() => []) };
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}

describe('interrupted runs (integration)', function () {
  this.timeout(120_000);

  it('SIGINT during up stops everything it started and removes its state', async () => {
    const { result, leftovers, state } = await interrupted((n) => ['cluster', 'up', '--name', n], `sigint-${process.pid}`, 'start kube-apiserver', 'SIGINT');
    expect(result.exitCode, result.all).to.equal(130);
    expect(leftovers).to.deep.equal([]);
    expect(state).to.deep.equal([]);
  });

  it('SIGTERM mid-scenario stops the cluster the run started, leaving no process and no state', async () => {
    const { result, leftovers, state } = await interrupted(
      (n, dir) => ['scenario', 'conflicting-apply', '--name', n, '--report-dir', join(dir, 'out')],
      `sigterm-${process.pid}`,
      'bob applies a different color',
      'SIGTERM',
    );
    expect(result.exitCode, result.all).to.equal(143);
    expect(leftovers).to.deep.equal([]);
    expect(state).to.deep.equal([]);
  });
});
