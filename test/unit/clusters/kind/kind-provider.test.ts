import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { CommandRunner } from '../../../../clusters/command-runner.ts';
import { kindProvider } from '../../../../clusters/kind/index.ts';
import { silentProgress } from '../../../../clusters/progress.ts';
import { ProviderError } from '../../../../clusters/provider.ts';

/** A machine with Docker and kind, as far as the provider can tell: `existing` clusters, all commands succeed. */
function fakeKind(existing: string[]) {
  const ran: string[] = [];
  const runner: CommandRunner = {
    async run(argv) {
      const line = argv.join(' ');
      ran.push(line);
      if (line === 'kind get clusters') return { exitCode: 0, stdout: existing.join('\n'), stderr: '' };
      if (line.startsWith('kind get kubeconfig')) return { exitCode: 0, stdout: 'apiVersion: v1\nkind: Config\n', stderr: '' };
      return { exitCode: 0, stdout: '', stderr: '' };
    },
  };
  return { runner, ran };
}

/** Prometheus says the mesh is scraped on the second poll. */
let polls = 0;
const meshScraped = async () => ++polls > 1;

describe('kind provider', () => {
  let state = '';
  const saved = process.env.TESTBED_STATE_DIR;
  beforeEach(async () => {
    state = await mkdtemp(join(tmpdir(), 'testbed-kind-provider-'));
    process.env.TESTBED_STATE_DIR = state;
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env.TESTBED_STATE_DIR;
    else process.env.TESTBED_STATE_DIR = saved;
    await rm(state, { recursive: true, force: true });
  });

  it('makes a cluster for the run, hands scenarios loopback URLs and sidecar injection, and deletes it after', async () => {
    const { runner, ran } = fakeKind([]);
    const session = await kindProvider({ name: 'tb', reuse: false, runner, meshScraped }).open(new Set(['flagger']), silentProgress);
    expect(ran[0]).to.equal('kind get clusters');
    expect(ran[1]).to.match(/^kind create cluster --name tb --config /);
    expect(ran.at(-1)).to.equal('kind get kubeconfig --name tb');
    expect(polls).to.be.above(1, 'waited for Prometheus to have scraped the mesh');
    const c = session.connection;
    expect(c.provider).to.equal('kind');
    expect(c.gatewayUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(c.prometheusUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(c.namespaceLabels).to.deep.equal({ 'istio-injection': 'enabled' });
    expect(c.versions).to.include({ kubernetes: 'v1.36.3', istio: 'v1.32.0', flagger: 'v1.44.0', reloader: 'v1.4.22' });
    expect(ran.some((l) => /^kubectl --context kind-tb apply --server-side -f .*\/reloader\.yaml$/.test(l))).to.equal(true, 'the plan applied Reloader');
    await session.close({ keep: false });
    expect(ran.at(-1)).to.equal('kind delete cluster --name tb');
  });

  it('supplies Reloader, and controls it with kubectl on its own context; Wave it does not supply', async () => {
    const { runner, ran } = fakeKind([]);
    const provider = kindProvider({ name: 'tb', reuse: false, runner, meshScraped });
    expect(provider.capabilities).to.include('reloader').and.not.include('wave');
    const session = await provider.open(new Set(['reloader']), silentProgress);
    const before = ran.length;
    await session.controllers.stop('reloader');
    expect(ran.slice(before)).to.deep.equal([
      'kubectl --context kind-tb -n reloader scale deployment reloader-reloader --replicas=0',
      'kubectl --context kind-tb -n reloader wait --for=delete pod -l app=reloader-reloader --timeout=60s',
    ]);
    const err = await session.controllers.run('wave', []).then(() => undefined, (e: Error) => e);
    expect(err).to.be.instanceOf(ProviderError);
    expect(err!.message).to.include('the kind provider does not install Wave');
    await session.close({ keep: false });
  });

  it("reads logs with kubectl on its own context: a pod's container, and Flagger's Deployment", async () => {
    const { runner, ran } = fakeKind([]);
    const session = await kindProvider({ name: 'tb', reuse: false, runner, meshScraped }).open(new Set(['flagger']), silentProgress);
    const before = ran.length;
    const pod = await session.logs.tail({ namespace: 'tb-bad-canary-1', pod: 'web-x', container: 'istio-proxy' }, 40);
    await session.logs.tail({ component: 'flagger' }, 40);
    expect(ran.slice(before)).to.deep.equal([
      'kubectl --context kind-tb logs --tail=40 -n tb-bad-canary-1 web-x -c istio-proxy',
      'kubectl --context kind-tb logs --tail=40 -n istio-system deployment/flagger',
    ]);
    expect(pod.source).to.equal('kubectl --context kind-tb logs --tail=40 -n tb-bad-canary-1 web-x -c istio-proxy');
    await session.close({ keep: false });
  });

  it('refuses a cluster of the same name unless told to reuse it', async () => {
    const { runner } = fakeKind(['tb']);
    const err = await kindProvider({ name: 'tb', reuse: false, runner, meshScraped }).open(new Set(), silentProgress).then(() => undefined, (e: Error) => e);
    expect(err).to.be.instanceOf(ProviderError);
    expect(err!.message).to.include('kind cluster "tb" already exists; pass --reuse');
  });

  it('with --reuse, resets a kept cluster by deleting only scenario namespaces, and keeps it after', async () => {
    await mkdir(join(state, 'kind'), { recursive: true });
    await writeFile(join(state, 'kind', 'tb.json'), JSON.stringify({ gatewayPort: 41080, prometheusPort: 41090 }));
    const { runner, ran } = fakeKind(['tb']);
    const session = await kindProvider({ name: 'tb', reuse: true, runner, meshScraped }).open(new Set(), silentProgress);
    expect(ran).to.deep.equal([
      'kind get clusters',
      'kubectl --context kind-tb delete namespace -l delivery-testbed/scenario --wait=true --timeout=120s',
      'kind get kubeconfig --name tb',
    ]);
    expect(session.connection.gatewayUrl).to.equal('http://127.0.0.1:41080');
    await session.close({ keep: false });
    expect(ran).to.have.length(3);
  });

  it('will not reuse a kind cluster this harness did not make', async () => {
    const { runner } = fakeKind(['tb']);
    const err = await kindProvider({ name: 'tb', reuse: true, runner, meshScraped }).open(new Set(), silentProgress).then(() => undefined, (e: Error) => e);
    expect(err!.message).to.include('was not made by this harness');
  });
});
