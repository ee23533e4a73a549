import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createCertificateAuthority } from '../../../clusters/embedded/pki.ts';
import type { Controllers, LogSource } from '../../../clusters/provider.ts';
import type { EngineEvent } from '../../../harness/events.ts';
import { planAttempts } from '../../../harness/attempt-plan.ts';
import { runScenarios } from '../../../harness/runner.ts';
import { defineScenario } from '../../../harness/scenario.ts';

const noControllers: Controllers = {
  run: async (name) => {
    throw new Error(`no ${name} in this test`);
  },
  stop: async () => {},
};

describe('scenario runner', () => {
  it('errors, naming what is missing, when the provider lacks a component the scenario needs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'testbed-runner-'));
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n');
    let ran = false;
    const scenario = defineScenario({
      name: 'needs-flagger',
      summary: 'x',
      needs: { components: ['kube-apiserver'], addons: ['flagger'] },
      tunables: {},
      async run() {
        ran = true;
      },
    });
    const events: EngineEvent[] = [];
    try {
      const verdicts = await runScenarios({ attempts: planAttempts({ scenarios: [scenario as never], settings: {}, repeat: 1 }), workers: 1, repeat: 1, keep: false, cluster: { provider: 'embedded', kubeconfig, versions: { 'kube-apiserver': 'v1.36.3' }, gatewayUrl: 'http://127.0.0.1:1', prometheusUrl: 'http://127.0.0.1:2', metricsServer: 'http://127.0.0.1:2', scrapeTargetsDir: '/nonexistent', processEnv: {} }, controllers: noControllers, emit: (e) => events.push(e) });
      expect(verdicts).to.deep.equal(['error']);
      expect(ran).to.equal(false);
      const end = events.find((e) => e.type === 'attempt-end');
      expect(end).to.deep.include({ verdict: 'error' });
      expect((end as { decidedBy: { name: string; error: string } }).decidedBy).to.deep.include({ name: '(setup)' });
      expect((end as { decidedBy: { error: string } }).decidedBy.error).to.equal('needs flagger, which provider embedded does not supply (it has kube-apiserver)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Just enough of an API server for the runner: namespaces are created and deleted, the event
 * watch stays open, and every list answers with `lists[path]` or nothing. `seen` records each
 * request as `METHOD path`.
 */
async function fakeApiServer(lists: (namespace: string) => Record<string, unknown[]>) {
  const ca = await createCertificateAuthority('fake-api-ca');
  const cert = await ca.issue({ commonName: 'fake-api', usage: 'server', ipAddresses: ['127.0.0.1'] });
  const seen: string[] = [];
  const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const server: Server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const url = new URL(req.url!, 'https://127.0.0.1');
    seen.push(`${req.method} ${url.pathname}`);
    if (url.searchParams.get('watch') === 'true') return void res.writeHead(200, { 'content-type': 'application/json' }).flushHeaders();
    if (req.method === 'POST') return json(res, 201, {});
    if (req.method === 'DELETE') return json(res, 200, {});
    if (url.pathname === '/api/v1') return json(res, 200, { resources: [{ name: 'namespaces', kind: 'Namespace', namespaced: false }] });
    const namespace = /^\/api(?:s\/[^/]+)?\/v1[^/]*\/namespaces\/([^/]+)\//.exec(url.pathname)?.[1] ?? '';
    return json(res, 200, { items: lists(namespace)[url.pathname] ?? [] });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = await mkdtemp(join(tmpdir(), 'testbed-runner-api-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const caData = Buffer.from(ca.certPem).toString('base64');
  await writeFile(kubeconfig, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:${(server.address() as AddressInfo).port}", certificate-authority-data: ${caData}}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n`);
  return {
    kubeconfig,
    seen,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe('scenario runner: diagnostics of a failed attempt', () => {
  const SECRET = 'hunter2';
  const order: string[] = [];
  const events: EngineEvent[] = [];
  let api: Awaited<ReturnType<typeof fakeApiServer>>;
  let verdicts: string[] = [];
  const scenario = (name: string, body: 'fails' | 'passes' | 'crashes') =>
    defineScenario({
      name,
      summary: 'x',
      needs: { components: [], addons: ['flagger'] },
      tunables: {},
      async run(t) {
        t.redact(SECRET);
        t.defer(async () => void order.push(`cleanup of ${name}`));
        if (body === 'crashes') throw new Error('the body broke');
        t.check('holds', { expected: 1, observed: body === 'fails' ? 2 : 1, reason: 'r' });
      },
    });
  const logs: LogSource = {
    async tail(target) {
      if (!('component' in target)) throw new Error(`no log of ${target.pod}`);
      return { lines: [`flagger says ${SECRET}`], source: '/state/logs/flagger.log' };
    },
  };
  const diagnosticsOf = (name: string) => events.flatMap((e) => (e.type === 'diagnostics' && e.id.scenario === name ? [e.diagnostics] : []));

  before(async () => {
    api = await fakeApiServer((namespace) => ({
      [`/api/v1/namespaces/${namespace}/events`]: [{ metadata: { name: 'e' }, type: 'Warning', reason: 'Synced', message: `password ${SECRET} rejected`, lastTimestamp: '2026-01-01T00:00:00Z', involvedObject: { kind: 'Canary', name: 'web' } }],
      [`/api/v1/namespaces/${namespace}/pods`]: [{ metadata: { name: 'web-x' }, spec: { containers: [{ name: 'app' }] }, status: { phase: 'Running' } }],
    }));
    verdicts = await runScenarios({
      attempts: planAttempts({ scenarios: [scenario('breaks', 'fails'), scenario('holds', 'passes'), scenario('crashes', 'crashes')] as never[], settings: {}, repeat: 1 }),
      workers: 1,
      repeat: 1,
      keep: false,
      cluster: { provider: 'embedded', kubeconfig: api.kubeconfig, versions: { flagger: 'v1.44.0' }, gatewayUrl: 'http://127.0.0.1:1', prometheusUrl: 'http://127.0.0.1:2', metricsServer: 'http://127.0.0.1:2', processEnv: {} },
      controllers: noControllers,
      logs,
      emit: (e) => {
        events.push(e);
        if (e.type === 'diagnostics') order.push(`diagnostics of ${e.id.scenario}`);
        if (e.type === 'attempt-end') order.push(`end of ${e.id.scenario}`);
      },
    });
  });
  after(() => api.close());

  it('collects them for a failed and a crashed attempt, and leaves the verdicts as they were', () => {
    expect(verdicts).to.deep.equal(['fail', 'pass', 'error']);
    expect(diagnosticsOf('breaks')).to.have.length(1);
    expect(diagnosticsOf('holds')).to.deep.equal([]);
    const [crashed] = diagnosticsOf('crashes');
    expect(crashed!.problems).to.deep.equal(['log of pod web-x/app: no log of web-x']);
  });

  it("reads them before the scenario's cleanups and the namespace's deletion", () => {
    expect(order).to.deep.equal(['diagnostics of breaks', 'cleanup of breaks', 'end of breaks', 'cleanup of holds', 'end of holds', 'diagnostics of crashes', 'cleanup of crashes', 'end of crashes']);
    const namespace = (events.find((e) => e.type === 'attempt-begin' && e.id.scenario === 'breaks') as { namespace: string }).namespace;
    const listed = api.seen.indexOf(`GET /api/v1/namespaces/${namespace}/pods`);
    expect(listed).to.be.above(-1);
    expect(listed).to.be.below(api.seen.indexOf(`DELETE /api/v1/namespaces/${namespace}`));
  });

  it("holds the namespace's events, the scenario's controller's log and the objects, redacted", () => {
    const [d] = diagnosticsOf('breaks');
    expect(d!.events).to.deep.equal([{ at: '2026-01-01T00:00:00.000Z', type: 'Warning', reason: 'Synced', object: 'Canary/web', message: 'password *** rejected', count: 1 }]);
    expect(d!.logs).to.deep.equal([{ name: 'flagger', source: '/state/logs/flagger.log', lines: ['flagger says ***'] }]);
    expect(d!.objects).to.deep.equal([{ kind: 'Pod', name: 'web-x', state: { phase: 'Running', ready: false, restartCount: 0, podIP: null } }]);
  });
});

describe('scenario runner: declared checks', () => {
  const PROVEN = '(a) proven';
  const events: EngineEvent[] = [];
  let api: Awaited<ReturnType<typeof fakeApiServer>>;
  let verdicts: string[] = [];
  const scenario = (name: string, made: string) =>
    defineScenario({
      name,
      summary: 'x',
      needs: { components: [], addons: [] },
      tunables: {},
      checks: { [PROVEN]: {} },
      sabotages: { 'breaks-a': { kind: 'harness', fails: [PROVEN] } },
      async run(t) {
        t.check(made, { expected: 1, observed: 1, reason: 'r' });
      },
    });

  before(async () => {
    api = await fakeApiServer(() => ({}));
    verdicts = await runScenarios({
      attempts: planAttempts({ scenarios: [scenario('declared', PROVEN), scenario('undeclared', '(b) made up')] as never[], settings: {}, repeat: 1 }),
      workers: 1,
      repeat: 1,
      keep: false,
      cluster: { provider: 'embedded', kubeconfig: api.kubeconfig, versions: {}, gatewayUrl: 'http://127.0.0.1:1', prometheusUrl: 'http://127.0.0.1:2', metricsServer: 'http://127.0.0.1:2', processEnv: {} },
      controllers: noControllers,
      emit: (e) => events.push(e),
    });
  });
  after(() => api.close());

  it('records beside a declared check the sabotage that proves it can fail', () => {
    expect(verdicts[0]).to.equal('pass');
    const check = events.find((e) => e.type === 'check' && e.id.scenario === 'declared');
    expect((check as { check: { proof: unknown } }).check.proof).to.deep.equal({ provenBy: [{ sabotage: 'breaks-a', kind: 'harness' }] });
  });

  it('makes a check the scenario does not declare an error naming it and the declared ones', () => {
    expect(verdicts[1]).to.equal('error');
    const end = events.find((e) => e.type === 'attempt-end' && e.id.scenario === 'undeclared');
    expect((end as { decidedBy: { error: string } }).decidedBy.error).to.equal('scenario undeclared made the check "(b) made up", which is not among the checks it declares ((a) proven)');
  });
});
