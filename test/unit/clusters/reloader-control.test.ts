import { expect } from 'chai';
import type { CommandRunner } from '../../../clusters/command-runner.ts';
import { ProviderError } from '../../../clusters/provider.ts';
import { imageTag, kubectlControllers } from '../../../clusters/reloader-control.ts';

/** A cluster whose Reloader Deployment reads as `state`; `failOn` makes the first command containing it exit 1. */
function fakeCluster(state: { args?: string[]; image?: string; replicas?: number; ready?: number; updated?: number }, failOn?: string) {
  const ran: string[] = [];
  const runner: CommandRunner = {
    async run(argv) {
      const line = argv.join(' ');
      ran.push(line);
      if (failOn && line.includes(failOn)) return { exitCode: 1, stdout: '', stderr: 'error: timed out waiting for the condition' };
      if (line.includes(' get deployment ')) {
        const fields = [state.args ? JSON.stringify(state.args) : '', state.image ?? 'ghcr.io/stakater/reloader:v1.4.22', state.replicas ?? '', state.ready ?? '', state.updated ?? ''];
        return { exitCode: 0, stdout: fields.join('\n'), stderr: '' };
      }
      return { exitCode: 0, stdout: '', stderr: '' };
    },
  };
  const controllers = kubectlControllers({ provider: 'kind', kubectl: (...args) => ['kubectl', '--context', 'kind-tb', ...args], runner });
  return { controllers, ran };
}

const k = 'kubectl --context kind-tb -n reloader';
const get = `${k} get deployment reloader-reloader -o jsonpath={.spec.template.spec.containers[0].args}{"\\n"}{.spec.template.spec.containers[0].image}{"\\n"}{.spec.replicas}{"\\n"}{.status.readyReplicas}{"\\n"}{.status.updatedReplicas}`;
const scaleUp = `${k} scale deployment reloader-reloader --replicas=1`;
const rollout = `${k} rollout status deployment/reloader-reloader --timeout=120s`;

describe('reloader control (kind and kubeconfig providers)', () => {
  it('runs Reloader with new flags: patches the container args, scales to one and waits for the rollout', async () => {
    const { controllers, ran } = fakeCluster({ args: ['--reload-strategy=env-vars'], replicas: 1, ready: 1, updated: 1 });
    const run = await controllers.run('reloader', ['--reload-strategy=annotations', '--auto-reload-all']);
    expect(run.version).to.equal('v1.4.22');
    expect(ran).to.deep.equal([
      get,
      `${k} patch deployment reloader-reloader --type=json -p [{"op":"add","path":"/spec/template/spec/containers/0/args","value":["--reload-strategy=annotations","--auto-reload-all"]}]`,
      scaleUp,
      rollout,
    ]);
  });

  it('does nothing but read the Deployment when Reloader already runs, ready, with these flags', async () => {
    const { controllers, ran } = fakeCluster({ args: ['--reload-strategy=annotations'], replicas: 1, ready: 1, updated: 1 });
    expect((await controllers.run('reloader', ['--reload-strategy=annotations'])).version).to.equal('v1.4.22');
    expect(ran).to.deep.equal([get]);
  });

  it('starts a stopped Reloader whose flags are already these without patching it', async () => {
    const { controllers, ran } = fakeCluster({ args: ['--reload-strategy=annotations'], replicas: 0 });
    await controllers.run('reloader', ['--reload-strategy=annotations']);
    expect(ran).to.deep.equal([get, scaleUp, rollout]);
  });

  it('treats a Deployment without args as running with no flags', async () => {
    const { controllers, ran } = fakeCluster({ replicas: 1, ready: 1, updated: 1 });
    await controllers.run('reloader', []);
    expect(ran).to.deep.equal([get]);
  });

  it('stops Reloader by scaling to zero and waiting for its pods to be gone', async () => {
    const { controllers, ran } = fakeCluster({});
    await controllers.stop('reloader');
    expect(ran).to.deep.equal([`${k} scale deployment reloader-reloader --replicas=0`, `${k} wait --for=delete pod -l app=reloader-reloader --timeout=60s`]);
  });

  it('names the command and what kubectl said when a step fails', async () => {
    const { controllers } = fakeCluster({ args: [], replicas: 1, ready: 1, updated: 1 }, 'rollout status');
    const err = await controllers.run('reloader', ['--reload-strategy=annotations']).then(() => undefined, (e: Error) => e);
    expect(err).to.be.instanceOf(ProviderError);
    expect(err!.message).to.include(`\`${rollout}\` exited 1: error: timed out waiting for the condition`);
  });

  it('refuses Wave, saying that only the embedded provider supplies it', async () => {
    const { controllers, ran } = fakeCluster({});
    for (const attempt of [() => controllers.run('wave', []), () => controllers.stop('wave')]) {
      const err = await attempt().then(() => undefined, (e: Error) => e);
      expect(err).to.be.instanceOf(ProviderError);
      expect(err!.message).to.match(/^the kind provider does not install Wave v0\.11\.0: its module is not served by the Go module proxy here; Wave is supplied only by the embedded provider, from TESTBED_WAVE_BIN$/);
    }
    expect(ran).to.deep.equal([]);
  });

  it('reads the version from the image tag, ignoring registry ports and digests', () => {
    expect(imageTag('ghcr.io/stakater/reloader:v1.4.22')).to.equal('v1.4.22');
    expect(imageTag('registry:5000/stakater/reloader:v1.4.0@sha256:abc')).to.equal('v1.4.0');
    expect(imageTag('registry:5000/stakater/reloader')).to.equal(undefined);
    expect(imageTag('stakater/reloader@sha256:abc')).to.equal(undefined);
  });
});
