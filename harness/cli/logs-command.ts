import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ClusterPaths } from '../../clusters/embedded/index.ts';
import { UsageError, parseCommandArgs } from './usage-error.ts';

export const logsUsage = `usage: testbed logs POD [-n NAMESPACE] [-c CONTAINER] [--name CLUSTER]
  prints a container's log from the embedded cluster's node agent`;

export async function logsCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      namespace: { type: 'string', short: 'n', default: 'default' },
      container: { type: 'string', short: 'c' },
      name: { type: 'string', default: 'default' },
    },
  });
  const [pod, ...extra] = parsed.positionals;
  if (!pod || extra.length) throw new UsageError('logs takes exactly one POD name');
  const { namespace, container, name } = parsed.values;
  const podsDir = new ClusterPaths(name).pods;
  const prefix = `${namespace}_${pod}_`;
  const candidates = (await readdir(podsDir).catch(() => [] as string[])).filter((d) => d.startsWith(prefix));
  if (!candidates.length) {
    process.stderr.write(`no pod ${namespace}/${pod} has run on cluster "${name}" (looked in ${podsDir})\n`);
    return 2;
  }
  // The same name may have run several times (a StatefulSet pod, say): take the newest.
  const dirs = await Promise.all(candidates.map(async (d) => ({ d, t: (await stat(join(podsDir, d))).mtimeMs })));
  const logsDir = join(podsDir, dirs.sort((a, b) => b.t - a.t)[0]!.d, 'logs');
  const containers = (await readdir(logsDir)).map((f) => f.replace(/\.log$/, ''));
  const chosen = container ?? (containers.length === 1 ? containers[0] : undefined);
  if (!chosen || !containers.includes(chosen)) {
    process.stderr.write(`${container ? `no container "${container}" in` : 'choose a container of'} ${namespace}/${pod} with -c: ${containers.join(', ')}\n`);
    return 2;
  }
  process.stdout.write(await readFile(join(logsDir, `${chosen}.log`)));
  return 0;
}
