import { readFile, readdir } from 'node:fs/promises';
import { execa } from 'execa';
import { findOwnedProcesses } from '../../clusters/process/index.ts';

export interface Listener {
  readonly pid: number;
  readonly command: string;
  /** `127.0.0.1:8080`, `[::]:80`, `*:53`: as ss prints the local address. */
  readonly address: string;
  readonly protocol: 'tcp' | 'udp';
}

/** Pids whose parent chain leads to `root`. */
async function descendantsOf(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid) parents.set(pid, ppid);
  }
  const inTree = (pid: number): boolean => {
    for (let p = parents.get(pid); p; p = parents.get(p)) if (p === root) return true;
    return false;
  };
  return [...parents.keys()].filter(inTree);
}

/**
 * Every listening TCP and UDP socket of the processes a test started: those marked as owned by a
 * folder under `stateDir` (clusters, pods, loads) and the descendants of this process (the CLI).
 */
export async function ourListeners(stateDir: string): Promise<Listener[]> {
  const pids = new Set([...(await findOwnedProcesses({ under: stateDir })), ...(await descendantsOf(process.pid))]);
  const listeners: Listener[] = [];
  for (const protocol of ['tcp', 'udp'] as const) {
    const { stdout } = await execa('ss', [protocol === 'tcp' ? '-ltnpH' : '-lunpH']);
    for (const line of stdout.split('\n').filter(Boolean)) {
      const address = line.trim().split(/\s+/)[3]!;
      for (const [, command, pid] of line.matchAll(/\("([^"]+)",pid=(\d+),/g)) {
        if (pids.has(Number(pid))) listeners.push({ pid: Number(pid), command: command!, address, protocol });
      }
    }
  }
  return listeners;
}
