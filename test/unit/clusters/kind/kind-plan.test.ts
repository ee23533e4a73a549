import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse, parseAllDocuments } from 'yaml';
import { describePlan, runPlan } from '../../../../clusters/command-plan.ts';
import { reloaderManifests } from '../../../../clusters/components/index.ts';
import { kindPlan, type KindPlanOptions } from '../../../../clusters/kind/index.ts';
import { silentProgress } from '../../../../clusters/progress.ts';
import { ProviderError } from '../../../../clusters/provider.ts';
import { recordingRunner } from '../../../helpers/recording-runner.ts';

const options = (workDir: string): KindPlanOptions => ({
  name: 'tb',
  kubernetesVersion: 'v1.36.3',
  istioVersion: 'v1.32.0',
  gatewayPort: 41080,
  prometheusPort: 41090,
  workDir,
  repoRoot: '/repo',
  flagger: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } }],
  reloader: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'reloader' } }],
});

describe('kind provider plan', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'testbed-kind-test-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('creates kind with the pinned node image and loopback-only port mappings, then Istio, Prometheus, Flagger, Reloader and the demo image, in order', async () => {
    const { runner, ran } = recordingRunner();
    await runPlan(kindPlan(options(dir)), dir, runner, silentProgress);
    expect(ran).to.deep.equal([
      `kind create cluster --name tb --config ${dir}/kind-config.yaml --wait 180s`,
      `istioctl install --context kind-tb -y -f ${dir}/istio-operator.yaml`,
      'kubectl --context kind-tb -n istio-system rollout status deployment/istiod --timeout=300s',
      'kubectl --context kind-tb -n istio-system rollout status deployment/istio-ingressgateway --timeout=300s',
      'kubectl --context kind-tb apply -f https://raw.githubusercontent.com/istio/istio/1.32.0/samples/addons/prometheus.yaml',
      'kubectl --context kind-tb -n istio-system patch service prometheus --type=merge -p {"spec":{"type":"NodePort","ports":[{"name":"http","port":9090,"targetPort":9090,"nodePort":30090}]}}',
      'kubectl --context kind-tb -n istio-system rollout status deployment/prometheus --timeout=300s',
      `kubectl --context kind-tb apply --server-side -f ${dir}/flagger.yaml`,
      'kubectl --context kind-tb -n istio-system rollout status deployment/flagger --timeout=300s',
      `kubectl --context kind-tb apply --server-side -f ${dir}/reloader.yaml`,
      'kubectl --context kind-tb -n reloader rollout status deployment/reloader-reloader --timeout=300s',
      'docker build -t delivery-testbed/demo-app:1 -f /repo/demo-app/Dockerfile /repo',
      'kind load docker-image delivery-testbed/demo-app:1 --name tb',
    ]);
    const config = parse(await readFile(join(dir, 'kind-config.yaml'), 'utf8')) as { nodes: Array<{ image: string; extraPortMappings: Array<{ hostPort: number; listenAddress: string; containerPort: number }> }> };
    expect(config.nodes[0]!.image).to.equal('kindest/node:v1.36.3');
    expect(config.nodes[0]!.extraPortMappings.map((m) => [m.listenAddress, m.hostPort, m.containerPort])).to.deep.equal([['127.0.0.1', 41080, 30080], ['127.0.0.1', 41090, 30090]]);
    const istio = parse(await readFile(join(dir, 'istio-operator.yaml'), 'utf8')) as { spec: { components: { ingressGateways: Array<{ k8s: { service: { ports: Array<{ nodePort?: number }> } } }> } } };
    expect(istio.spec.components.ingressGateways[0]!.k8s.service.ports.map((p) => p.nodePort)).to.deep.include(30080);
  });

  it('on a failed step, deletes the kind cluster it created and says which step failed and why', async () => {
    const { runner, ran } = recordingRunner('docker build');
    const err = await runPlan(kindPlan(options(dir)), dir, runner, silentProgress).then(() => undefined, (e: Error) => e);
    expect(err).to.be.instanceOf(ProviderError);
    expect(err!.message).to.include('kind set-up failed at "build the demo app image": `docker build').and.include('exited 1').and.include('no such image');
    expect(err!.message).to.include('cleaned up: kind delete cluster --name tb (exit 0)');
    expect(ran.at(-1)).to.equal('kind delete cluster --name tb');
    expect(ran).to.not.include('kind load docker-image delivery-testbed/demo-app:1 --name tb');
  });

  it('cleans up nothing when the first step fails', async () => {
    const { runner, ran } = recordingRunner('kind create');
    const err = await runPlan(kindPlan(options(dir)), dir, runner, silentProgress).then(() => undefined, (e: Error) => e);
    expect(err!.message).to.include('nothing to clean up');
    expect(ran).to.have.length(1);
  });

  it('prints the plan for --dry-run: each file, then each command with its undo', () => {
    const text = describePlan(kindPlan(options(dir)), dir);
    expect(text).to.include(`# ${dir}/kind-config.yaml`).and.include('listenAddress: 127.0.0.1');
    expect(text).to.match(/1\. create the kind cluster\n {3}\$ kind create cluster .*\n {3}\(undone by: kind delete cluster --name tb\)/);
    expect(text).to.include('13. load the demo app image into kind');
  });

  it("writes reloader.yaml from the pinned module's manifests: upstream's RBAC and Deployment, moved to namespace reloader", async () => {
    const reloader = await reloaderManifests(silentProgress);
    const plan = kindPlan({ ...options(dir), reloader: [...reloader.access, reloader.deployment] });
    type Obj = { kind: string; metadata: { name: string; namespace?: string }; rules?: unknown[]; spec?: { template: { spec: { containers: Array<{ image: string }> } } } };
    const objects = parseAllDocuments(plan.files['reloader.yaml']!).map((d) => d.toJS() as Obj);
    const find = (kind: string) => objects.find((o) => o.kind === kind);
    expect(find('Namespace')!.metadata.name).to.equal('reloader');
    expect(find('ServiceAccount')!.metadata).to.deep.equal({ name: 'reloader-reloader', namespace: 'reloader' });
    const role = find('ClusterRole')!;
    expect(role.metadata.name).to.equal('reloader-reloader-role');
    expect(role.rules).to.deep.include({ apiGroups: ['apps'], resources: ['deployments', 'daemonsets', 'statefulsets'], verbs: ['list', 'get', 'update', 'patch'] });
    const deployment = find('Deployment')!;
    expect(deployment.metadata).to.include({ name: 'reloader-reloader', namespace: 'reloader' });
    expect(deployment.spec!.template.spec.containers[0]!.image).to.equal('ghcr.io/stakater/reloader:v1.4.22');
    expect(objects.filter((o) => o.metadata.namespace !== undefined).every((o) => o.metadata.namespace === 'reloader')).to.equal(true, 'nothing left in default');
  });
});
