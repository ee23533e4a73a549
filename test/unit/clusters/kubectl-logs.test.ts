import { expect } from 'chai';
import type { CommandRunner } from '../../../clusters/command-runner.ts';
import { kubectlLogs } from '../../../clusters/kubectl-logs.ts';
import { ProviderError } from '../../../clusters/provider.ts';

/** kubectl answering `stdout`, or failing like a pod that is gone. */
function fakeKubectl(o: { stdout?: string; fail?: boolean } = {}) {
  const ran: string[] = [];
  const runner: CommandRunner = {
    async run(argv) {
      ran.push(argv.join(' '));
      return o.fail ? { exitCode: 1, stdout: '', stderr: 'Error from server (NotFound): pods "web-x" not found\n' } : { exitCode: 0, stdout: o.stdout ?? 'one\ntwo', stderr: '' };
    },
  };
  return { runner, ran };
}

describe('logs through kubectl (kind and kubeconfig providers)', () => {
  const kubeconfigStyle = (...args: string[]) => ['kubectl', '--kubeconfig', '/home/u/.kube/config', '--context', 'staging', ...args];

  it("tails a pod's container with `kubectl logs --tail=N -n NS POD -c CONTAINER`", async () => {
    const { runner, ran } = fakeKubectl();
    const tail = await kubectlLogs({ provider: 'kubeconfig', kubectl: kubeconfigStyle, runner }).tail({ namespace: 'tb-bad-canary-1', pod: 'web-x', container: 'app' }, 40);
    const line = 'kubectl --kubeconfig /home/u/.kube/config --context staging logs --tail=40 -n tb-bad-canary-1 web-x -c app';
    expect(ran).to.deep.equal([line]);
    expect(tail).to.deep.equal({ lines: ['one', 'two'], source: line });
  });

  it("tails the controllers through their Deployments: Flagger's in istio-system, Reloader's in reloader", async () => {
    const { runner, ran } = fakeKubectl({ stdout: '' });
    const logs = kubectlLogs({ provider: 'kubeconfig', kubectl: kubeconfigStyle, runner });
    expect((await logs.tail({ component: 'flagger' }, 40)).lines).to.deep.equal([]);
    await logs.tail({ component: 'reloader' }, 40);
    expect(ran).to.deep.equal([
      'kubectl --kubeconfig /home/u/.kube/config --context staging logs --tail=40 -n istio-system deployment/flagger',
      'kubectl --kubeconfig /home/u/.kube/config --context staging logs --tail=40 -n reloader deployment/reloader-reloader',
    ]);
  });

  it('names the command and what kubectl said when it fails, and a controller it does not run', async () => {
    const { runner, ran } = fakeKubectl({ fail: true });
    const logs = kubectlLogs({ provider: 'kind', kubectl: (...args) => ['kubectl', '--context', 'kind-tb', ...args], runner });
    const gone = await logs.tail({ namespace: 'ns', pod: 'web-x', container: 'app' }, 40).then(() => undefined, (e: Error) => e);
    expect(gone).to.be.instanceOf(ProviderError);
    expect(gone!.message).to.equal('`kubectl --context kind-tb logs --tail=40 -n ns web-x -c app` exited 1: Error from server (NotFound): pods "web-x" not found');
    const wave = await logs.tail({ component: 'wave' }, 40).then(() => undefined, (e: Error) => e);
    expect(wave!.message).to.equal('the kind provider runs no wave; it runs flagger and reloader');
    expect(ran).to.have.length(1);
  });
});
