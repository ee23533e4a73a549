import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { STARTER_FILES, starterCommands } from '../harness/starter/starter-files.ts';
import { UsageError, parseCommandArgs } from './usage-error.ts';

export const initUsage = `usage: testbed init [DIR]
  writes a starter into DIR (default .): testbed.config.ts, scenarios/my-app-ready.scenario.ts and
  images.yaml, and prints the commands that run them; files already there are left as they are`;

type Outcome = 'written' | 'unchanged' | 'kept';

async function writeOnce(file: string, content: string): Promise<Outcome> {
  const existing = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read ${file}: ${err.message}`);
  });
  if (existing === content) return 'unchanged';
  if (existing !== undefined) return 'kept';
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content, { flag: 'wx' });
  } catch (err) {
    throw new UsageError(`cannot write ${file}: ${(err as Error).message}`);
  }
  return 'written';
}

const SAID: Readonly<Record<Outcome, string>> = { written: 'wrote', unchanged: 'unchanged', kept: 'kept (yours differs from the starter; not overwritten)' };

export async function initCommand(argv: string[]): Promise<number> {
  const { positionals } = parseCommandArgs({ args: argv, strict: true, allowPositionals: true, options: {} });
  if (positionals.length > 1) throw new UsageError(`init takes one DIR, got ${positionals.join(' ')}`);
  const dir = positionals[0] ?? '.';
  const outcomes: Outcome[] = [];
  for (const [path, content] of Object.entries(STARTER_FILES)) {
    const outcome = await writeOnce(join(dir, path), content);
    outcomes.push(outcome);
    process.stdout.write(`${SAID[outcome].padEnd(9)} ${relative(process.cwd(), join(dir, path)) || path}\n`);
  }
  if (!outcomes.includes('written')) process.stdout.write('nothing changed: the starter is already here\n');
  process.stdout.write(`\nrun it (npx testbed is this package's CLI; npm link it, or install delivery-testbed):\n${starterCommands(dir).map((c) => `  ${c}`).join('\n')}\n`);
  return 0;
}
