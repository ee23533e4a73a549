import { readFile, readdir } from 'node:fs/promises';
import { poll, PollTimeoutError } from '../poll.ts';

/** Environment variable every process we start carries, so a later run can find what a crashed one left. */
export const OWNER_ENV = 'DELIVERY_TESTBED_OWNER';

/** True while `pid` names a live (not zombie) process. */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  // Each process we start leads its own process group; signal the group so helpers it forked go too.
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, sig);
    } catch {
      /* already gone */
    }
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  return poll({ what: `process ${pid} to exit`, probe: async () => !(await isAlive(pid)), timeoutMs, intervalMs: 50 }).catch((err: unknown) => {
    if (err instanceof PollTimeoutError) return false;
    throw err;
  });
}

/** SIGKILL, with no grace: how a crash or the OOM killer ends a process. */
export function killNow(pid: number): void {
  signal(pid, 'SIGKILL');
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL. Resolves once the process is gone. */
export async function terminate(pid: number, graceMs: number): Promise<void> {
  if (!(await isAlive(pid))) return;
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, graceMs)) return;
  signal(pid, 'SIGKILL');
  await waitForExit(pid, 5000);
}

/** One owner (a cluster's state folder), or every owner inside a folder, such as a test run's. */
export type Owners = string | { readonly under: string };

/** `NAME=value` entries of a process's environment. */
export type Environ = readonly string[];

export const environValue = (environ: Environ, name: string): string | undefined => environ.find((entry) => entry.startsWith(`${name}=`))?.slice(name.length + 1);

/**
 * Pids of live processes whose environment carries `OWNER_ENV` naming one of `owners` (and, given
 * `where`, passes it). Linux only (/proc).
 */
export async function findOwnedProcesses(owners: Owners, where: (environ: Environ) => boolean = () => true): Promise<number[]> {
  const matches = typeof owners === 'string' ? (o: string) => o === owners : (o: string) => o.startsWith(`${owners.under}/`);
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const environ = (await readFile(`/proc/${pid}/environ`)).toString().split('\0');
      const owner = environValue(environ, OWNER_ENV);
      if (owner !== undefined && matches(owner) && where(environ) && (await isAlive(pid))) pids.push(pid);
    } catch {
      /* exited or not ours to read */
    }
  }
  return pids;
}

/** Terminates every process marked with one of `owners`; returns how many there were. */
export async function reapOwnedProcesses(owners: Owners, graceMs = 5000): Promise<number> {
  const pids = await findOwnedProcesses(owners);
  await Promise.all(pids.map((pid) => terminate(pid, graceMs)));
  return pids.length;
}
