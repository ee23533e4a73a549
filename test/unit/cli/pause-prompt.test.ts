import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { pausePrompt } from '../../../cli/pause-prompt.ts';

describe('--pause: the prompt before each when-step', () => {
  const prompt = () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    return { input, printed: () => printed, ...pausePrompt('/cache/kubectl', '/state/kube config', input, output) };
  };
  const settled = async (p: Promise<void>) => Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 50))]);

  it('prints the step and the kubectl commands that show it, quoted for a shell, and waits for Enter', async () => {
    const p = prompt();
    const paused = p.pause('when: bob applies', [['-n', 'tb-x', 'get', 'configmap', 'settings', '-o', "jsonpath={.data['color']}"]]);
    expect(p.printed()).to.equal(
      "\n⏸  next: when: bob applies\n   to watch it happen, in another terminal:\n    /cache/kubectl --kubeconfig '/state/kube config' -n tb-x get configmap settings -o 'jsonpath={.data['\\''color'\\'']}'\n   press Enter to go on\n",
    );
    expect(await settled(paused), 'before Enter').to.equal(false);
    p.input.write('\n');
    await paused;
    p.close();
  });

  it('once its input ends, lets the waiting step and every later one go on without a prompt', async () => {
    const p = prompt();
    const paused = p.pause('when: one', []);
    p.input.end();
    await paused;
    const before = p.printed();
    await p.pause('when: two', []);
    expect(p.printed()).to.equal(before);
  });
});
