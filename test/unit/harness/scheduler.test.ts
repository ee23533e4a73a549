import { expect } from 'chai';
import type { Holds } from '../../../harness/holds.ts';
import { schedule, type Start } from '../../../harness/scheduler.ts';

interface Item {
  readonly label: string;
  readonly holds: Holds;
  readonly ms: number;
}

/** Runs the items with fake work of `ms` each; what ran at once, in which order, and what each was told. */
async function run(items: readonly Item[], workers: number, ignoreHolds = false) {
  const running = new Set<string>();
  const together: string[][] = [];
  const order: string[] = [];
  const starts = new Map<string, Start>();
  await schedule(items, {
    workers,
    ...(ignoreHolds ? { ignoreHolds } : {}),
    async run(item, start) {
      order.push(item.label);
      starts.set(item.label, start);
      running.add(item.label);
      together.push([...running].sort());
      await new Promise((r) => setTimeout(r, item.ms));
      running.delete(item.label);
    },
  });
  return { together, order, starts };
}

const item = (label: string, holds: Holds = {}, ms = 30): Item => ({ label, holds, ms });

describe('scheduler', () => {
  it('runs items that share nothing exclusively all at once, up to the workers', async () => {
    const { together, starts } = await run([item('a', { 'kube-apiserver': 'shared' }), item('b', { 'kube-apiserver': 'shared', flagger: 'shared' }), item('c')], 3);
    expect(together.at(-1)).to.deep.equal(['a', 'b', 'c']);
    expect([...starts.values()].every((s) => !s.waited && !s.clash)).to.equal(true);
  });

  it('runs one after another the items that hold a part exclusively, and all else beside them', async () => {
    const items = [item('config-change #1', { reloader: 'exclusive' }, 60), item('example #1', { reloader: 'exclusive' }), item('bad-canary #1', { flagger: 'shared' }, 60)];
    const { together, order, starts } = await run(items, 8);
    expect(order).to.deep.equal(['config-change #1', 'bad-canary #1', 'example #1']);
    for (const group of together) expect(group.filter((l) => l !== 'bad-canary #1'), 'two reloader holders at once').to.have.length.at.most(1);
    const waited = starts.get('example #1')!.waited!;
    expect(waited.reason).to.equal('reloader: config-change #1 holds it exclusive');
    expect(waited.ms).to.be.at.least(50);
  });

  it('keeps a waiting item ahead of later ones it contends with, so an exclusive hold is never starved', async () => {
    const items = [item('reader-1', { prometheus: 'shared' }, 40), item('stopper', { prometheus: 'exclusive' }, 10), item('reader-2', { prometheus: 'shared' }, 10)];
    const { order, starts } = await run(items, 8);
    expect(order).to.deep.equal(['reader-1', 'stopper', 'reader-2']);
    expect(starts.get('reader-2')!.waited!.reason).to.equal('prometheus: stopper holds it exclusive, ahead in the queue');
  });

  it('says an item waited for a worker when every worker was busy', async () => {
    const { together, starts } = await run([item('a'), item('b'), item('c')], 2);
    expect(Math.max(...together.map((g) => g.length))).to.equal(2);
    expect(starts.get('c')!.waited!.reason).to.equal('all 2 workers were busy');
  });

  it('with the test switch, starts clashing items at once and tells the second of its clash, naming both', async () => {
    const { together, starts } = await run([item('config-change #1', { reloader: 'exclusive' }), item('config-change #2', { reloader: 'exclusive' })], 2, true);
    expect(together.at(-1)).to.deep.equal(['config-change #1', 'config-change #2']);
    expect(starts.get('config-change #1')!.clash).to.equal(undefined);
    expect(starts.get('config-change #2')!.clash!.message).to.equal(
      "config-change #2 and config-change #1 ran at once, but config-change #2 holds reloader exclusive and config-change #1 holds it exclusive: only the scheduler's test switch lets that happen",
    );
  });
});
