import { expect } from 'chai';
import { poll, PollTimeoutError } from '../../../clusters/poll.ts';

const rejection = (p: Promise<unknown>) => p.then(() => expect.fail('resolved'), (err: unknown) => err as Error);

describe('poll', () => {
  it('resolves with the first value the probe gives, probing again after falsy answers and throws', async () => {
    const answers = [undefined, false, 'boom', 'ready'] as const;
    let i = 0;
    const value = await poll({
      what: 'the answer',
      probe: () => {
        const a = answers[i++];
        if (a === 'boom') throw new Error('not yet');
        return a;
      },
      timeoutMs: 1000,
      intervalMs: 1,
    });
    expect(value).to.equal('ready');
    expect(i).to.equal(4);
  });

  it('times out naming what it waited for and for how long', async () => {
    const started = Date.now();
    const err = await rejection(poll({ what: 'the moon to turn blue', probe: async () => false, timeoutMs: 50, intervalMs: 10 }));
    expect(err).to.be.instanceOf(PollTimeoutError);
    expect(err.message).to.equal('timed out after 0.05 s waiting for the moon to turn blue');
    expect(Date.now() - started).to.be.within(45, 1000);
  });

  it("carries the probe's last error, in the message and as the cause", async () => {
    let n = 0;
    const err = await rejection(
      poll({
        what: 'the API server',
        probe: () => {
          throw new Error(`connection refused #${++n}`);
        },
        timeoutMs: 30,
        intervalMs: 5,
      }),
    );
    expect(err.message).to.equal(`timed out after 0.03 s waiting for the API server (last error: connection refused #${n})`);
    expect((err.cause as Error).message).to.equal(`connection refused #${n}`);
  });

  it('probes once more at the deadline, however long the interval', async () => {
    let probes = 0;
    expect(await poll({ what: 'x', probe: () => ++probes === 2 && 'at the deadline', timeoutMs: 20, intervalMs: 60_000 })).to.equal('at the deadline');
  });

  it('stops early with the error failEarly gives, before probing again', async () => {
    let probes = 0;
    const exited = new Error('the process exited');
    const err = await rejection(poll({ what: 'health', probe: () => (probes++, false), timeoutMs: 5000, intervalMs: 1, failEarly: () => (probes >= 2 ? exited : undefined) }));
    expect(err).to.equal(exited);
    expect(probes).to.equal(2);
  });

  it("stops when its signal aborts, with the signal's reason, also mid-pause", async () => {
    const abort = new AbortController();
    const reason = new Error('interrupted');
    const started = Date.now();
    setTimeout(() => abort.abort(reason), 20);
    const err = await rejection(poll({ what: 'x', probe: () => false, timeoutMs: 5000, intervalMs: 2000, signal: abort.signal }));
    expect(err).to.equal(reason);
    expect(Date.now() - started).to.be.below(1000);
  });
});
