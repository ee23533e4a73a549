import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ContainerRunner } from '../../../../../clusters/embedded/node-agent/container-runner.ts';
import { isAlive } from '../../../../../clusters/process/index.ts';

describe('container runner', () => {
  it('stops a container whose process was spawned but not yet seen running, so that it cannot outlive its pod', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'testbed-runner-'));
    try {
      const runner = new ContainerRunner({
        container: { name: 'app' },
        argv: [process.execPath, '-e', 'setInterval(() => {}, 1000)'],
        env: {},
        cwd: dir,
        logFile: join(dir, 'app.log'),
        podIP: '127.0.0.1',
        restartPolicy: 'Always',
        terminationGraceMs: 1000,
        onChange: () => {},
        onEvent: () => {},
      });
      runner.start();
      const pid = runner.pid!;
      expect(runner.state.running, 'stopped before its spawn event').to.equal(undefined);
      await runner.stop();
      expect(await isAlive(pid), `process ${pid} after stop`).to.equal(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
