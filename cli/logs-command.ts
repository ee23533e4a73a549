import { readFile } from 'node:fs/promises';
import { findPodLog, PodLogNotFoundError } from '../clusters/embedded/index.ts';
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
  let file: string;
  try {
    file = await findPodLog(name, { namespace, pod, container });
  } catch (err) {
    if (!(err instanceof PodLogNotFoundError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 2;
  }
  process.stdout.write(await readFile(file));
  return 0;
}
