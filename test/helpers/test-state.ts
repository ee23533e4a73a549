import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, reapOwnedProcesses } from '../../clusters/process/index.ts';

/**
 * Integration tests start clusters that outlive the CLI which started them; their state folders
 * all sit under one folder per mocha process, so that an interrupted run's clusters can be found
 * by their owner markers and stopped, by this run or, after a crash, by the next.
 */
const RUNS = join(tmpdir(), 'delivery-testbed-tests');
const thisRun = join(RUNS, String(process.pid));

/** A fresh `TESTBED_STATE_DIR` for one suite's clusters. */
export async function testStateDir(label: string): Promise<string> {
  await mkdir(thisRun, { recursive: true });
  return mkdtemp(join(thisRun, `${label}-`));
}

/** Stops every process a test run's clusters started and removes their state; how many there were. */
async function reapRun(run: string): Promise<number> {
  const stopped = await reapOwnedProcesses({ under: run });
  await rm(run, { recursive: true, force: true });
  return stopped;
}

export const reapThisRun = () => reapRun(thisRun);

/** What runs whose mocha process is gone (killed, crashed) left behind. */
export async function reapDeadRuns(): Promise<number> {
  const runs = await readdir(RUNS).catch(() => []);
  const dead = [];
  for (const pid of runs) if (!(await isAlive(Number(pid)))) dead.push(join(RUNS, pid));
  return (await Promise.all(dead.map(reapRun))).reduce((a, b) => a + b, 0);
}
