import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { ClusterPaths } from '../clusters/embedded/index.ts';
import { findOwnedProcesses } from '../clusters/process/index.ts';
import type { RunReport } from '../reports/index.ts';
import { memoryMiB } from './process-stats.ts';

const cli = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
const SAMPLE_MS = 1000;
const CLOCK_TICKS = 100;

/** CPU seconds the whole machine has spent (user, nice, system, irq, softirq), from /proc/stat. */
async function machineCpuSeconds(): Promise<number> {
  const [cpu] = (await readFile('/proc/stat', 'utf8')).split('\n');
  const [, user, nice, system, , , irq, softirq] = cpu!.trim().split(/\s+/).map(Number);
  return (user! + nice! + system! + irq! + softirq!) / CLOCK_TICKS;
}

/** A cluster to run the suite on, kept between runs: `cluster up` through the CLI, in the bench's own state dir. */
export async function suiteCluster(stateDir: string): Promise<{ name: string; env: Record<string, string>; close(): Promise<void> }> {
  const name = `bench-suite-${process.pid}`;
  const env = { TESTBED_STATE_DIR: stateDir };
  // Where this process looks for the cluster's processes by their owner marker, too.
  process.env.TESTBED_STATE_DIR = stateDir;
  const up = await execa(process.execPath, ['--import', 'tsx', cli, 'cluster', 'up', '--name', name], { env, stdio: ['ignore', 'inherit', 'inherit'], reject: false });
  if (up.exitCode !== 0) throw new Error(`cluster up exited ${up.exitCode}; its output is above`);
  return { name, env, close: async () => void (await execa(process.execPath, ['--import', 'tsx', cli, 'cluster', 'down', '--name', name], { env, stdio: 'ignore', reject: false })) };
}

/**
 * One run of the default suite with `workers` (undefined: the CLI's default), its progress on
 * stderr: the wall time, the peak RSS of every process the cluster started (control plane,
 * controllers, pods; sampled each second), the machine's CPU seconds over the run, and whether
 * every scenario passed.
 */
export async function suiteRun(cluster: { name: string; env: Record<string, string> }, workers: number | undefined, reportDir: string): Promise<Record<string, number>> {
  const owner = new ClusterPaths(cluster.name).owner;
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await memoryMiB(await findOwnedProcesses(owner), 'VmRSS'));
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
    }
  })();
  const cpu0 = await machineCpuSeconds();
  const started = performance.now();
  const args = ['scenario', '--name', cluster.name, '--report-dir', reportDir, ...(workers === undefined ? [] : ['--workers', String(workers)])];
  const run = await execa(process.execPath, ['--import', 'tsx', cli, ...args], { env: cluster.env, stdio: ['ignore', 'ignore', 'inherit'], reject: false }).finally(() => (sampling = false));
  const wall = (performance.now() - started) / 1000;
  const cpu = (await machineCpuSeconds()) - cpu0;
  await sampler;
  const report = JSON.parse(await readFile(join(reportDir, 'report.json'), 'utf8').catch(() => 'null')) as RunReport | null;
  if (!report) throw new Error(`the suite exited ${run.exitCode} and wrote no ${join(reportDir, 'report.json')}`);
  return { wall: wall, 'peak cluster RSS': peak, 'machine CPU': cpu, 'scenarios passed': report.scenarios.filter((s) => s.verdict === 'pass').length };
}
