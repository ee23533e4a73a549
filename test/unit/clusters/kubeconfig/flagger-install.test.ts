import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { versions } from '../../../../clusters/components/index.ts';
import { flaggerInstallPlan, installFlagger, type FlaggerInstallOptions } from '../../../../clusters/kubeconfig/index.ts';
import { silentProgress } from '../../../../clusters/progress.ts';
import { ProviderError } from '../../../../clusters/provider.ts';
import { recordingRunner } from '../../../helpers/recording-runner.ts';

const FLAGGER = [
  { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'canaries.flagger.app' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'flagger', namespace: 'istio-system' } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'flagger', namespace: 'istio-system' } },
];

const fakeRunner = (failOn?: string) => recordingRunner(failOn, 'error: deployment "flagger" exceeded its progress deadline');

describe('kubeconfig provider: installing Flagger with --install-addons', () => {
  let dir = '';
  let options: FlaggerInstallOptions;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'testbed-flagger-install-'));
    options = { kubeconfig: '/home/me/.kube/config', context: 'staging', workDir: dir, flagger: FLAGGER };
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const kubectl = '/home/me/.kube/config --context staging';
  const create = `kubectl --kubeconfig ${kubectl} create -f DIR/flagger.yaml`;
  const rollout = `kubectl --kubeconfig ${kubectl} -n istio-system rollout status deployment/flagger --timeout=300s`;
  const remove = `kubectl --kubeconfig ${kubectl} delete --ignore-not-found -f DIR/flagger.yaml`;
  const plain = (ran: string[]) => ran.map((c) => c.replaceAll(dir, 'DIR'));

  it('creates the pinned manifests without the Namespace, which is Istio\'s, then waits for the rollout and for Prometheus to scrape Flagger', async () => {
    const { runner, ran } = fakeRunner();
    let scrapes = 0;
    await installFlagger(options, { prometheus: async () => (++scrapes < 2 ? [] : [{ version: '1.44.0' }]) }, runner, silentProgress);
    expect(plain(ran)).to.deep.equal([create, rollout]);
    expect(scrapes).to.equal(2);
    const written = parseAllDocuments(await readFile(join(dir, 'flagger.yaml'), 'utf8')).map((d) => d.toJS() as { kind: string });
    expect(written.map((o) => o.kind)).to.deep.equal(['CustomResourceDefinition', 'ServiceAccount', 'Deployment']);
    expect(flaggerInstallPlan(options).title).to.equal(`Flagger ${versions.flagger} install`);
  });

  it('deletes what it created when the rollout fails, naming the step and what kubectl said', async () => {
    const { runner, ran } = fakeRunner('rollout status');
    const err = await installFlagger(options, { prometheus: async () => [] }, runner, silentProgress).then(() => undefined, (e: Error) => e);
    expect(err).to.be.instanceOf(ProviderError);
    expect(err!.message).to.include(`Flagger ${versions.flagger} install failed at "wait for istio-system/flagger"`);
    expect(err!.message).to.include('exceeded its progress deadline');
    expect(plain(ran)).to.deep.equal([create, rollout, remove]);
  });

  it('deletes it again when Prometheus never scrapes it, saying what Prometheus lacks', async () => {
    const { runner, ran } = fakeRunner();
    const err = await installFlagger(options, { prometheus: async () => [] }, runner, silentProgress, 50).then(() => undefined, (e: Error) => e);
    expect(err!.message).to.match(/Prometheus had no flagger_info after 0\.05 s: it does not scrape pods annotated prometheus\.io\/scrape/);
    expect(plain(ran)).to.deep.equal([create, rollout, remove]);
  });
});
