import { createServer } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import { LocalProcess, ProcessError, findOwnedProcesses, freePort, isAlive, reapOwnedProcesses } from '../../../../clusters/process/index.ts';
import { useTempEnv } from '../../../helpers/temp-env.ts';

describe('local processes', () => {
  const env = useTempEnv(() => ({}));
  const owner = `test-owner-${process.pid}-${Date.now()}`;

  it('fails the health wait early when the process exits, quoting its log', async () => {
    const logFile = join(env.dir(), 'crash.log');
    const p = new LocalProcess({ name: 'crasher', command: 'sh', args: ['-c', 'echo boom: bad flag >&2; exit 3'], logFile, owner });
    await p.start();
    const err = await p.waitHealthy(async () => false, 10_000).then(() => undefined, (e: Error) => e);
    expect(err).to.be.instanceOf(ProcessError);
    expect(err!.message).to.include(`crasher exited before it was healthy; log: ${logFile}`);
    expect(err!.message).to.include('boom: bad flag');
  });

  it('stops with SIGTERM then SIGKILL, and is safe to stop twice', async () => {
    const p = new LocalProcess({ name: 'stubborn', command: 'sh', args: ['-c', "trap '' TERM; sleep 30"], logFile: join(env.dir(), 's.log'), owner, stopGraceMs: 300 });
    await p.start();
    await p.stop();
    await p.stop();
    expect(await isAlive(p.pid!)).to.equal(false);
  });

  it('finds and reaps what a crashed run left behind by its owner marker', async () => {
    const leftover = new LocalProcess({ name: 'orphan', command: 'sleep', args: ['30'], logFile: join(env.dir(), 'o.log'), owner });
    await leftover.start();
    expect(await findOwnedProcesses(owner)).to.include(leftover.pid);
    expect(await reapOwnedProcesses(owner)).to.equal(1);
    expect(await findOwnedProcesses(owner)).to.deep.equal([]);
  });

  it('reaps every owner inside a folder, and none beside it', async () => {
    const run = `/tmp/${owner}`;
    const start = async (o: string) => {
      const p = new LocalProcess({ name: 'orphan', command: 'sleep', args: ['30'], logFile: join(env.dir(), `${o.split('/').pop()}.log`), owner: o });
      await p.start();
      return p;
    };
    const inside = [await start(`${run}/a/clusters/x`), await start(`${run}/b`)];
    const beside = await start(`${run}-other/c`);
    expect((await findOwnedProcesses({ under: run })).sort()).to.deep.equal(inside.map((p) => p.pid).sort());
    expect(await reapOwnedProcesses({ under: run })).to.equal(2);
    expect(await isAlive(beside.pid!)).to.equal(true);
    await beside.stop();
  });

  it('hands out loopback ports that are free and not handed out twice', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const busyPort = (busy.address() as { port: number }).port;
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    busy.close();
    expect(new Set(ports).size).to.equal(20);
    expect(ports).to.not.include(busyPort);
  });
});
