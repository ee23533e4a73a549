import { expect } from 'chai';
import type { LogSource, LogTarget } from '../../../clusters/provider.ts';
import { collectDiagnostics, type DiagnosticsRequest } from '../../../harness/diagnostics.ts';

const NS = 'tb-bad-canary-abc123';
const SECRET = 's3cr3t-value';

/** What the API server answers for each list path under the namespace; a function answers when it likes. */
type Answers = Record<string, { status: number; body?: unknown } | (() => Promise<{ status: number; body?: unknown }>)>;

function fakeKube(answers: Answers): DiagnosticsRequest['kube'] {
  return {
    async request<T>(method: string, path: string) {
      expect(method).to.equal('GET');
      const answer = answers[path] ?? { status: 200, body: { items: [] } };
      const res = typeof answer === 'function' ? await answer() : answer;
      return res as { status: number; body: T };
    },
  };
}

const list = (...items: unknown[]) => ({ status: 200, body: { items } });

const cluster: Answers = {
  [`/api/v1/namespaces/${NS}/events`]: list(
    { metadata: { name: 'e2' }, type: 'Warning', reason: 'Synced', message: `Rolling back web: token ${SECRET} refused`, count: 3, lastTimestamp: '2026-01-01T00:00:09Z', involvedObject: { kind: 'Canary', name: 'web' } },
    { metadata: { name: 'e1' }, type: 'Normal', reason: 'Scheduled', message: 'assigned', eventTime: '2026-01-01T00:00:01.500000Z', involvedObject: { kind: 'Pod', name: 'web-abc' } },
    { metadata: { name: 'e3' }, type: 'Normal', reason: 'ScalingReplicaSet', message: 'scaled up', firstTimestamp: '2026-01-01T00:00:05Z', involvedObject: { kind: 'Deployment', name: 'web' } },
  ),
  [`/apis/flagger.app/v1beta1/namespaces/${NS}/canaries`]: list({ metadata: { name: 'web' }, spec: { analysis: {} }, status: { phase: 'Failed', canaryWeight: 0 } }),
  [`/apis/networking.istio.io/v1/namespaces/${NS}/virtualservices`]: list({ metadata: { name: 'web' }, spec: { hosts: ['web'], http: [{ route: [{ destination: { host: 'web-primary' }, weight: 100 }, { destination: { host: 'web-canary' }, weight: 0 }] }] } }),
  [`/apis/networking.istio.io/v1/namespaces/${NS}/destinationrules`]: list({ metadata: { name: 'web-canary' }, spec: { host: 'web-canary' } }),
  [`/apis/apps/v1/namespaces/${NS}/deployments`]: list({
    metadata: { name: 'web', annotations: { 'deployment.kubernetes.io/revision': '2' } },
    spec: { replicas: 1, template: { metadata: { annotations: { 'flagger.app/config-tracking': 'enabled' } }, spec: { containers: [{ name: 'app', env: [{ name: 'TOKEN', value: 'env-value-never-shown' }] }] } } },
    status: { readyReplicas: 1 },
  }),
  [`/apis/apps/v1/namespaces/${NS}/replicasets`]: list({ metadata: { name: 'web-7d9f', annotations: { 'deployment.kubernetes.io/revision': '2' } }, spec: { replicas: 0 }, status: {} }),
  [`/api/v1/namespaces/${NS}/pods`]: list(
    {
      metadata: { name: 'web-primary-x' },
      spec: { containers: [{ name: 'app', env: [{ name: 'TOKEN', value: 'env-value-never-shown' }] }] },
      status: { phase: 'Running', podIP: '127.1.1.3', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ restartCount: 2 }] },
    },
    { metadata: { name: 'web-abc' }, spec: { initContainers: [{ name: 'init' }], containers: [{ name: 'app' }] }, status: { phase: 'Pending' } },
  ),
};

/** Logs of every target, one line naming it; a log line of flagger's carries the secret. */
function fakeLogs(fail?: (target: LogTarget) => boolean): LogSource & { asked: LogTarget[] } {
  const asked: LogTarget[] = [];
  return {
    asked,
    async tail(target, lines) {
      asked.push(target);
      expect(lines).to.equal(40);
      if (fail?.(target)) throw new Error('no such log at /state/logs/reloader.log');
      if ('component' in target) return { lines: ['starting', `using token ${SECRET}`], source: `/state/logs/${target.component}.log` };
      return { lines: [`${target.pod}/${target.container} says hello`], source: `/state/pods/${target.pod}/logs/${target.container}.log` };
    },
  };
}

const request = (o: Partial<DiagnosticsRequest> = {}): DiagnosticsRequest => ({
  kube: fakeKube(cluster),
  logs: fakeLogs(),
  namespace: NS,
  components: ['flagger'],
  secrets: new Set([SECRET]),
  timeoutMs: 15_000,
  ...o,
});

describe('attempt diagnostics', () => {
  it("lists the namespace's events oldest first, each with its time, object and count", async () => {
    const d = await collectDiagnostics(request());
    expect(d.events).to.deep.equal([
      { at: '2026-01-01T00:00:01.500Z', type: 'Normal', reason: 'Scheduled', object: 'Pod/web-abc', message: 'assigned', count: 1 },
      { at: '2026-01-01T00:00:05.000Z', type: 'Normal', reason: 'ScalingReplicaSet', object: 'Deployment/web', message: 'scaled up', count: 1 },
      { at: '2026-01-01T00:00:09.000Z', type: 'Warning', reason: 'Synced', object: 'Canary/web', message: 'Rolling back web: token *** refused', count: 3 },
    ]);
    expect(d.problems).to.deep.equal([]);
    expect(Date.parse(d.collectedAt)).to.be.closeTo(Date.now(), 5000);
  });

  it("keeps the objects' final state: Canary status, routes, DestinationRule spec, revisions, pods; never an env value", async () => {
    const d = await collectDiagnostics(request());
    expect(d.objects).to.deep.equal([
      { kind: 'Canary', name: 'web', state: { phase: 'Failed', canaryWeight: 0 } },
      { kind: 'VirtualService', name: 'web', state: { http: [{ route: [{ destination: { host: 'web-primary' }, weight: 100 }, { destination: { host: 'web-canary' }, weight: 0 }] }] } },
      { kind: 'DestinationRule', name: 'web-canary', state: { host: 'web-canary' } },
      { kind: 'Deployment', name: 'web', state: { revision: '2', replicas: 1, readyReplicas: 1, templateAnnotations: { 'flagger.app/config-tracking': 'enabled' } } },
      { kind: 'ReplicaSet', name: 'web-7d9f', state: { revision: '2', replicas: 0, readyReplicas: 0, templateAnnotations: {} } },
      { kind: 'Pod', name: 'web-abc', state: { phase: 'Pending', ready: false, restartCount: 0, podIP: null } },
      { kind: 'Pod', name: 'web-primary-x', state: { phase: 'Running', ready: true, restartCount: 2, podIP: '127.1.1.3' } },
    ]);
    expect(JSON.stringify(d)).not.to.include('env-value-never-shown');
  });

  it("reads the last 40 lines of the scenario's controllers, then of every container, redacted", async () => {
    const logs = fakeLogs();
    const d = await collectDiagnostics(request({ logs, components: ['flagger', 'reloader'] }));
    expect(d.logs.map((l) => [l.name, l.source])).to.deep.equal([
      ['flagger', '/state/logs/flagger.log'],
      ['reloader', '/state/logs/reloader.log'],
      ['pod web-abc/init', '/state/pods/web-abc/logs/init.log'],
      ['pod web-abc/app', '/state/pods/web-abc/logs/app.log'],
      ['pod web-primary-x/app', '/state/pods/web-primary-x/logs/app.log'],
    ]);
    expect(d.logs[0]!.lines).to.deep.equal(['starting', 'using token ***']);
    expect(logs.asked).to.deep.include({ namespace: NS, pod: 'web-abc', container: 'init' });
    expect(JSON.stringify(d)).not.to.include(SECRET);
  });

  it('shows no Canary and names no problem where Flagger\'s CRD is not installed', async () => {
    const d = await collectDiagnostics(request({ kube: fakeKube({ ...cluster, [`/apis/flagger.app/v1beta1/namespaces/${NS}/canaries`]: { status: 404, body: { kind: 'Status' } } }) }));
    expect(d.objects.map((o) => o.kind)).not.to.include('Canary');
    expect(d.problems).to.deep.equal([]);
  });

  it('keeps what it could read when a part fails, and names the part and why', async () => {
    const d = await collectDiagnostics(
      request({
        kube: fakeKube({ ...cluster, [`/api/v1/namespaces/${NS}/events`]: { status: 500 }, [`/apis/apps/v1/namespaces/${NS}/deployments`]: () => Promise.reject(new Error('socket hang up')) }),
        logs: fakeLogs((t) => 'component' in t && t.component === 'reloader'),
        components: ['flagger', 'reloader'],
      }),
    );
    expect(d.problems).to.have.members([
      `events: GET /api/v1/namespaces/${NS}/events answered HTTP 500`,
      'Deployment: socket hang up',
      'log of reloader: no such log at /state/logs/reloader.log',
    ]);
    expect(d.events).to.deep.equal([]);
    expect(d.objects.map((o) => o.kind)).to.deep.equal(['Canary', 'VirtualService', 'DestinationRule', 'ReplicaSet', 'Pod', 'Pod']);
    expect(d.logs.map((l) => l.name)).to.deep.equal(['flagger', 'pod web-abc/init', 'pod web-abc/app', 'pod web-primary-x/app']);
  });

  it('says so when the run was given no log source, and still reads the rest', async () => {
    const d = await collectDiagnostics(request({ logs: undefined }));
    expect(d.logs).to.deep.equal([]);
    expect(d.problems).to.include('log of flagger: the run was given no log source');
    expect(d.objects).to.have.length(7);
  });

  it('returns what it has when the bound is hit, naming what was outstanding', async () => {
    const never = () => new Promise<never>(() => {});
    const slowLogs: LogSource = { tail: (target) => ('component' in target ? never() : fakeLogs().tail(target, 40)) };
    const started = Date.now();
    const d = await collectDiagnostics(request({ kube: fakeKube({ ...cluster, [`/apis/apps/v1/namespaces/${NS}/replicasets`]: never }), logs: slowLogs, timeoutMs: 200 }));
    expect(Date.now() - started).to.be.below(1000);
    expect(d.problems).to.deep.equal(['not collected within 0.2 s: log of flagger, ReplicaSet']);
    expect(d.events).to.have.length(3);
    expect(d.objects.map((o) => o.kind)).to.deep.equal(['Canary', 'VirtualService', 'DestinationRule', 'Deployment', 'Pod', 'Pod']);
    expect(d.logs.map((l) => l.name)).to.deep.equal(['pod web-abc/init', 'pod web-abc/app', 'pod web-primary-x/app']);
  });
});
