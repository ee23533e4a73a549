import { createWriteStream } from 'node:fs';
import { execa } from 'execa';
import type { Progress } from '../progress.ts';
import type { GoBuildRecipe } from './catalog.ts';

export class BuildError extends Error {
  constructor(
    readonly step: string,
    readonly logFile: string,
    detail: string,
  ) {
    super(`Go build failed at step "${step}": ${detail}; log: ${logFile}`);
    this.name = 'BuildError';
  }
}

/** Environment of every component build: the machine's own Go, no workspace, static binaries. */
export const goBuildEnv = { GOTOOLCHAIN: 'local', GOWORK: 'off', CGO_ENABLED: '0' } as const;

/**
 * Builds `recipe` into `outputPath`, streaming the Go tool's output to `logFile`. Progress counts
 * the packages compiled (`go build -v` names each one it compiles rather than takes from the cache).
 */
export async function goBuild(
  recipe: GoBuildRecipe,
  outputPath: string,
  logFile: string,
  progress: Progress,
  label: string,
): Promise<void> {
  const log = createWriteStream(logFile, { flags: 'a' });
  const run = async (step: string, args: string[], onLine?: (line: string) => void) => {
    progress.command(['go', ...args]);
    log.write(`$ go ${args.join(' ')}\n`);
    const child = execa('go', args, {
      cwd: recipe.moduleDir,
      env: goBuildEnv,
      all: true,
      reject: false,
      stdin: 'ignore',
    });
    child.all?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (onLine) for (const line of chunk.toString().split('\n')) if (line.trim()) onLine(line);
    });
    const result = await child;
    if (result.failed) {
      const reason = result.exitCode === undefined ? (result.originalMessage ?? 'could not run go') : `exit ${result.exitCode}`;
      throw new BuildError(step, logFile, reason);
    }
  };
  const task = progress.begin(label);
  try {
    task.update('go mod download');
    await run('go mod download', ['mod', 'download']);
    let compiled = 0;
    await run(
      'go build',
      [
        'build',
        '-v',
        '-trimpath',
        ...(recipe.tags?.length ? ['-tags', recipe.tags.join(',')] : []),
        '-ldflags',
        ['-s', '-w', ...recipe.ldflags].join(' '),
        '-o',
        outputPath,
        recipe.mainPackage,
      ],
      () => task.update(`${++compiled} packages compiled`),
    );
    task.end('done');
  } catch (err) {
    task.end('failed', (err as Error).message);
    throw err;
  } finally {
    await new Promise((resolve) => log.end(resolve));
  }
}
