import { expect } from 'chai';
import { ISTIO_CRDS, checkPrerequisites, type ClusterProbe } from '../../../../clusters/kubeconfig/index.ts';

const FLAGGER_CRDS = ['canaries.flagger.app', 'metrictemplates.flagger.app', 'alertproviders.flagger.app'];
const urls = { prometheusUrl: 'http://127.0.0.1:9090', gatewayUrl: 'http://127.0.0.1:8080' };

const RELOADER_IMAGE = 'ghcr.io/stakater/reloader:v1.4.22';

/** A cluster with everything, minus what a test takes away. */
function probe(over: Partial<ClusterProbe> & { crds?: readonly string[] } = {}): ClusterProbe {
  const crds = new Set(over.crds ?? [...ISTIO_CRDS, ...FLAGGER_CRDS]);
  return {
    serverVersion: async () => 'v1.33.2-eks',
    hasCrd: async (name) => crds.has(name),
    deploymentImages: async (namespace, name) => (namespace === 'reloader' && name === 'reloader-reloader' ? [RELOADER_IMAGE] : undefined),
    prometheus: async (query) => (query === 'flagger_info' ? [{ version: '1.44.0', mesh_provider: 'istio' }] : [{}]),
    answers: async () => true,
    ...over,
  };
}

const verdicts = async (p: ClusterProbe, needs = new Set(['flagger']), u = urls) =>
  Object.fromEntries((await checkPrerequisites(p, u, needs)).results.map((r) => [r.name, r.ok ? 'ok' : r.detail]));

describe('kubeconfig provider prerequisites', () => {
  it('passes a cluster with Istio, a reachable Prometheus and gateway, and a running Flagger, reading their versions', async () => {
    const checked = await checkPrerequisites(probe(), urls, new Set(['flagger']));
    expect(checked.results.every((r) => r.ok)).to.equal(true);
    expect(checked.versions).to.deep.equal({ kubernetes: 'v1.33.2-eks', flagger: 'v1.44.0' });
  });

  it('stops at an unreachable API server, saying why', async () => {
    const v = await verdicts(probe({ serverVersion: async () => Promise.reject(new Error('Unauthorized')) }));
    expect(v).to.deep.equal({ 'API server': 'not reachable with this kubeconfig and context: Unauthorized' });
  });

  it('names each missing piece with what to do about it', async () => {
    const v = await verdicts(probe({ crds: ISTIO_CRDS.slice(1), prometheus: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9090')), answers: async () => false }));
    expect(v.Istio).to.equal('missing CRDs gateways.networking.istio.io: install Istio (istioctl install) first');
    expect(v.Prometheus).to.equal('http://127.0.0.1:9090 does not answer: connect ECONNREFUSED 127.0.0.1:9090');
    expect(v['ingress gateway']).to.equal('nothing answers at http://127.0.0.1:8080');
    expect(v.Flagger).to.match(/^missing CRDs canaries.flagger.app, .*: install Flagger .*, or pass --install-addons$/);
  });

  it('offers to install Flagger only where none of it exists', async () => {
    const flagger = async (crds: readonly string[]) => (await checkPrerequisites(probe({ crds }), urls, new Set(['flagger']))).results.find((r) => r.name === 'Flagger')!;
    expect((await flagger(ISTIO_CRDS)).installable).to.equal('flagger');
    const partial = await flagger([...ISTIO_CRDS, 'canaries.flagger.app']);
    expect(partial.installable).to.equal(undefined);
    expect(partial.detail).to.not.include('--install-addons');
  });

  it('refuses endpoints off loopback, pointing at kubectl port-forward', async () => {
    const v = await verdicts(probe(), new Set(), { prometheusUrl: 'http://prometheus.istio-system:9090', gatewayUrl: 'http://10.0.0.5' });
    expect(v.Prometheus).to.include('is not on 127.0.0.0/8; port-forward it');
    expect(v['ingress gateway']).to.include('is not on 127.0.0.0/8; port-forward it');
  });

  it('tells a Flagger whose CRDs exist but that does not run from one that is ready, and asks nothing of Flagger when no scenario needs it', async () => {
    const silent = probe({ prometheus: async () => [] });
    expect((await verdicts(silent)).Flagger).to.equal('its CRDs are installed but Prometheus has no flagger_info: Flagger is not running, or Prometheus does not scrape it');
    expect(await verdicts(probe({ crds: ISTIO_CRDS }), new Set())).to.not.have.property('Flagger');
  });

  it('finds Reloader only as the Deployment reloader/reloader-reloader, reading its version from the image', async () => {
    const checked = await checkPrerequisites(probe(), urls, new Set(['reloader']));
    const reloader = checked.results.find((r) => r.name === 'Reloader')!;
    expect(reloader).to.include({ ok: true, detail: `reloader/reloader-reloader runs ${RELOADER_IMAGE}` });
    expect(checked.versions.reloader).to.equal('v1.4.22');
    expect(await verdicts(probe(), new Set())).to.not.have.property('Reloader');
  });

  it('names a missing Reloader, offering --install-addons', async () => {
    const checked = await checkPrerequisites(probe({ deploymentImages: async () => undefined }), urls, new Set(['flagger', 'reloader']));
    const reloader = checked.results.find((r) => r.name === 'Reloader')!;
    expect(reloader.ok).to.equal(false);
    expect(reloader.detail).to.equal('no Deployment reloader/reloader-reloader: install Reloader v1.4.22 from its manifests (deployments/kubernetes/manifests) into namespace reloader, or pass --install-addons');
    expect(reloader.installable).to.equal('reloader');
  });

  it('will not install over a reloader/reloader-reloader that runs something else, nor hide why it could not look', async () => {
    const other = await checkPrerequisites(probe({ deploymentImages: async () => ['nginx:1.27'] }), urls, new Set(['reloader']));
    expect(other.results.find((r) => r.name === 'Reloader')).to.deep.equal({ name: 'Reloader', ok: false, detail: "reloader/reloader-reloader runs nginx:1.27, none of them Reloader's image (ghcr.io/stakater/reloader)" });
    const denied = await verdicts(probe({ deploymentImages: async () => Promise.reject(new Error('reading Deployment reloader/reloader-reloader answered HTTP 403')) }), new Set(['reloader']));
    expect(denied.Reloader).to.equal('cannot read Deployment reloader/reloader-reloader: reading Deployment reloader/reloader-reloader answered HTTP 403');
  });
});
