import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { versions } from '../../../../clusters/components/index.ts';
import { installReloader, reloaderInstallPlan, type ReloaderInstallOptions } from '../../../../clusters/kubeconfig/index.ts';
import { silentProgress } from '../../../../clusters/progress.ts';
import { ProviderError } from '../../../../clusters/provider.ts';
import { recordingRunner } from '../../../helpers/recording-runner.ts';

const RELOADER = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'reloader' } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reloader-reloader', namespace: 'reloader' } },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reloader-reloader-role' } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'reloader-reloader', namespace: 'reloader' } },
];

const fakeRunner = (failOn?: string) => recordingRunner(failOn, 'error: deployment "reloader-reloader" exceeded its progress deadline');

describe('kubeconfig provider: installing Reloader with --install-addons', () => {
  let dir = '';
  let options: ReloaderInstallOptions;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'testbed-reloader-install-'));
    options = { kubeconfig: '/home/me/.kube/config', context: 'staging', workDir: dir, reloader: RELOADER };
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const kubectl = 'kubectl --kubeconfig /home/me/.kube/config --context staging';
  const create = `${kubectl} create -f DIR/reloader.yaml`;
  const rollout = `${kubectl} -n reloader rollout status deployment/reloader-reloader --timeout=300s`;
  const remove = `${kubectl} delete --ignore-not-found -f DIR/reloader.yaml`;
  const plain = (ran: string[]) => ran.map((c) => c.replaceAll(dir, 'DIR'));

  it('creates the pinned manifests, its Namespace included, and waits for the rollout, and for nothing in Prometheus', async () => {
    const { runner, ran } = fakeRunner();
    await installReloader(options, runner, silentProgress);
    expect(plain(ran)).to.deep.equal([create, rollout]);
    const written = parseAllDocuments(await readFile(join(dir, 'reloader.yaml'), 'utf8')).map((d) => d.toJS() as { kind: string });
    expect(written.map((o) => o.kind)).to.deep.equal(['Namespace', 'ServiceAccount', 'ClusterRole', 'Deployment']);
    expect(reloaderInstallPlan(options).title).to.equal(`Reloader ${versions.reloader} install`);
  });

  it('deletes what it created when the rollout fails, naming the step and what kubectl said', async () => {
    const { runner, ran } = fakeRunner('rollout status');
    const err = await installReloader(options, runner, silentProgress).then(() => undefined, (e: Error) => e);
    expect(err).to.be.instanceOf(ProviderError);
    expect(err!.message).to.include(`Reloader ${versions.reloader} install failed at "wait for reloader/reloader-reloader"`);
    expect(err!.message).to.include('exceeded its progress deadline');
    expect(err!.message).to.include(`cleaned up: ${remove.replace('DIR', dir)} (exit 0)`);
    expect(plain(ran)).to.deep.equal([create, rollout, remove]);
  });

  it('deletes nothing when the create itself fails, for it may have met objects someone else made', async () => {
    const { runner, ran } = recordingRunner('create -f', 'Error from server (AlreadyExists): namespaces "reloader" already exists');
    const err = await installReloader(options, runner, silentProgress).then(() => undefined, (e: Error) => e);
    expect(err!.message).to.include('AlreadyExists').and.include('nothing to clean up');
    expect(plain(ran)).to.deep.equal([create]);
  });

  it('refuses manifests whose Deployment is not reloader/reloader-reloader, where the provider controls it', () => {
    const moved = RELOADER.map((o) => (o.kind === 'Deployment' ? { ...o, metadata: { ...o.metadata, namespace: 'default' } } : o));
    expect(() => reloaderInstallPlan({ ...options, reloader: moved })).to.throw('have no Deployment reloader/reloader-reloader');
  });
});
