import { expect } from 'chai';
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { VirtualServiceRouter, hostMatches, workloadOf, type MeshSnapshot } from '../../../../../clusters/embedded/mesh/index.ts';

const pod = (name: string, version: string, ip: string, ready = true): V1Pod => ({
  metadata: {
    name,
    namespace: 'shop',
    labels: { app: 'web', version, 'pod-template-hash': 'abc12' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `web-${version}-abc12`, uid: 'u', controller: true }],
  },
  spec: { containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 8080 }] }] },
  status: { podIP: ip, phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const service: V1Service = { metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } };
const meta = (name: string) => ({ name, namespace: 'shop' });

function snapshot(http: object[], extra: Partial<MeshSnapshot> = {}): MeshSnapshot {
  return {
    gateways: [{ metadata: meta('gw'), spec: { selector: { istio: 'ingressgateway' }, servers: [{ hosts: ['*.example.com'] }] } }],
    virtualServices: [{ metadata: meta('web'), spec: { hosts: ['web.example.com'], gateways: ['gw'], http: http as never } }],
    destinationRules: [{ metadata: meta('web'), spec: { host: 'web', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] } }],
    services: [service],
    pods: [pod('web-v1-abc12-a', 'v1', '127.9.1.2'), pod('web-v1-abc12-b', 'v1', '127.9.1.3', false), pod('web-v2-abc12-a', 'v2', '127.9.1.4')],
    ...extra,
  };
}
const req = (path = '/', headers: Record<string, string> = {}) => ({ authority: 'web.example.com:8080', path, method: 'GET', headers });

describe('virtual service router', () => {
  it('matches hosts as Istio does', () => {
    expect(hostMatches('*.example.com', 'web.example.com')).to.equal(true);
    expect(hostMatches('shop/web.example.com', 'WEB.example.com')).to.equal(true);
    expect(hostMatches('*', 'anything')).to.equal(true);
    expect(hostMatches('web.example.com', 'api.example.com')).to.equal(false);
  });

  it('splits by weight to DestinationRule subsets, over ready endpoints only', () => {
    const snap = snapshot([{ route: [{ destination: { host: 'web', subset: 'v1' }, weight: 90 }, { destination: { host: 'web.shop.svc.cluster.local', subset: 'v2' }, weight: 10 }] }]);
    const low = new VirtualServiceRouter(snap, () => 0.5).route(req());
    const high = new VirtualServiceRouter(snap, () => 0.95).route(req());
    expect(low.kind === 'route' && low.endpoints.map((e) => e.ip)).to.deep.equal(['127.9.1.2']);
    expect(high.kind === 'route' && [high.subset, high.servicePort, high.endpoints.map((e) => e.targetPort)]).to.deep.equal(['v2', 80, [8080]]);
  });

  it('takes weights that do not sum to 100 relative to their sum', () => {
    const snap = snapshot([{ route: [{ destination: { host: 'web', subset: 'v1' }, weight: 1 }, { destination: { host: 'web', subset: 'v2' }, weight: 1 }] }]);
    const pick = (r: number) => new VirtualServiceRouter(snap, () => r).route(req());
    expect([pick(0.4), pick(0.6)].map((d) => d.kind === 'route' && d.subset)).to.deep.equal(['v1', 'v2']);
  });

  it('takes the first route whose uri or header match fits, with its timeout, retries and fault', () => {
    const snap = snapshot([
      { name: 'canary-header', match: [{ headers: { 'x-canary': { exact: 'yes' } } }], route: [{ destination: { host: 'web', subset: 'v2' } }] },
      { name: 'api', match: [{ uri: { prefix: '/api/' } }, { uri: { regex: '/v[0-9]+/.*' } }], timeout: '1.5s', retries: { attempts: 3, perTryTimeout: '500ms', retryOn: '5xx' }, route: [{ destination: { host: 'web', subset: 'v1' } }] },
      { name: 'rest', fault: { abort: { httpStatus: 500, percentage: { value: 50 } } }, route: [{ destination: { host: 'web' } }] },
    ]);
    const router = new VirtualServiceRouter(snap);
    const byHeader = router.route(req('/', { 'x-canary': 'yes' }));
    const api = router.route(req('/v2/items'));
    const rest = router.route(req('/other'));
    expect(byHeader.kind === 'route' && byHeader.routeName).to.equal('canary-header');
    expect(api.kind === 'route' && [api.routeName, api.timeoutMs, api.retries.attempts, api.retries.perTryTimeoutMs, [...api.retries.retryOn]]).to.deep.equal(['api', 1500, 3, 500, ['5xx']]);
    expect(rest.kind === 'route' && [rest.routeName, rest.fault?.abort?.httpStatus, rest.retries.attempts, rest.endpoints.length]).to.deep.equal(['rest', 500, 2, 2]);
  });

  it('fails with Envoy\'s flags: NR for no route, NC for a host that names no Service or an unknown subset', () => {
    expect(new VirtualServiceRouter(snapshot([])).route({ ...req(), authority: 'other.org' })).to.deep.include({ status: 404, flag: 'NR' });
    const missing = new VirtualServiceRouter(snapshot([{ route: [{ destination: { host: 'nothing' } }] }])).route(req());
    expect(missing).to.deep.include({ status: 503, flag: 'NC', reason: 'VirtualService shop/web routes to host "nothing", which names no Service' });
    expect(new VirtualServiceRouter(snapshot([{ route: [{ destination: { host: 'web', subset: 'v9' } }] }])).route(req())).to.deep.include({ status: 503, flag: 'NC' });
  });

  it('lets an invalid regex match nothing rather than fail the request', () => {
    const snap = snapshot([{ match: [{ uri: { regex: '(' } }], route: [{ destination: { host: 'web', subset: 'v2' } }] }, { route: [{ destination: { host: 'web', subset: 'v1' } }] }]);
    const decision = new VirtualServiceRouter(snap).route(req('/x'));
    expect(decision.kind === 'route' && decision.subset).to.equal('v1');
  });

  it('names the workload after the Deployment that owns the pod\'s ReplicaSet', () => {
    expect(workloadOf(pod('web-v1-abc12-a', 'v1', '127.9.1.2'))).to.deep.include({ workload: 'web-v1', namespace: 'shop', app: 'web', version: 'v1' });
  });

  it("routes a Service's own traffic through mesh-bound VirtualServices only, else straight to the Service", () => {
    const toService = (snap: MeshSnapshot) => new VirtualServiceRouter(snap, () => 0.5).routeToService(service, 80, { ...req(), authority: 'web' });
    const direct = toService(snapshot([{ route: [{ destination: { host: 'web', subset: 'v2' } }] }]));
    expect(direct.kind === 'route' && [direct.subset, direct.endpoints.map((e) => e.ip)]).to.deep.equal([undefined, ['127.9.1.2', '127.9.1.4']], 'the gateway-bound VirtualService does not apply');
    const meshBound = snapshot([], {
      virtualServices: [{ metadata: meta('web-mesh'), spec: { hosts: ['web'], gateways: ['mesh'], http: [{ route: [{ destination: { host: 'web', subset: 'v2' } }] }] as never } }],
    });
    const routed = toService(meshBound);
    expect(routed.kind === 'route' && [routed.virtualService, routed.endpoints.map((e) => e.ip)]).to.deep.equal(['shop/web-mesh', ['127.9.1.4']]);
  });
});
