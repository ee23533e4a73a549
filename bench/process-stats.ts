import { readFile } from 'node:fs/promises';

/** Sum of one /proc memory field over `pids`, in MiB: VmRSS from status, or Pss from smaps_rollup. */
export async function memoryMiB(pids: readonly number[], field: 'VmRSS' | 'Pss'): Promise<number> {
  const file = field === 'VmRSS' ? 'status' : 'smaps_rollup';
  let kB = 0;
  for (const pid of pids) {
    const text = await readFile(`/proc/${pid}/${file}`, 'utf8').catch(() => '');
    kB += Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  }
  return kB / 1024;
}

const CLOCK_TICKS = 100;

/** CPU time (user + system) a process has used so far, in seconds. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
