import { createWriteStream } from 'node:fs';
import { chmod, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import type { Progress } from '../progress.ts';
import type { GoBuildRecipe, Retarget, SourcePatch } from './catalog.ts';

/** What `go mod edit -json` says of a go.mod. */
interface GoModJson {
  readonly Module: { readonly Path: string };
  readonly Go: string;
  readonly GoDebug?: ReadonlyArray<{ readonly Key: string; readonly Value: string }>;
  readonly Replace?: ReadonlyArray<{ readonly Old: { readonly Path: string }; readonly New: { readonly Path: string; readonly Version?: string } }>;
}

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
  const run = async (step: string, cwd: string, args: string[], onLine?: (line: string) => void, env: Record<string, string> = {}): Promise<string> => {
    progress.command(['go', ...args]);
    log.write(`$ go ${args.join(' ')}\n`);
    const child = execa('go', args, { cwd, env: { ...goBuildEnv, ...env }, all: true, reject: false, stdin: 'ignore' });
    let lastLine = '';
    child.all?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        lastLine = line.trim();
        onLine?.(line);
      }
    });
    const result = await child;
    if (result.failed) {
      const reason = result.exitCode === undefined ? (result.originalMessage ?? 'could not run go') : `exit ${result.exitCode}${lastLine ? ` (${lastLine})` : ''}`;
      throw new BuildError(step, logFile, reason);
    }
    return result.stdout as string;
  };
  /**
   * The module cache is read-only and `-overlay` may not replace files in it, so a patched build
   * happens in a scratch copy of the wrapper module that replaces each patched module with a
   * writable copy of it.
   */
  const patchedModule = async (moduleDir: string, patches: readonly SourcePatch[]): Promise<string> => {
    const scratch = `${outputPath}.src`;
    await cp(moduleDir, join(scratch, 'wrapper'), { recursive: true });
    for (const module of new Set(patches.map((p) => p.module))) {
      const source = (await run('locate patched module', moduleDir, ['list', '-m', '-f', '{{.Dir}}', module])).trim();
      const copy = join(scratch, 'modules', module);
      await cp(source, copy, { recursive: true });
      await chmodTree(copy);
      await run('replace patched module', join(scratch, 'wrapper'), ['mod', 'edit', '-replace', `${module}=${copy}`]);
      for (const patch of patches.filter((p) => p.module === module)) {
        const file = join(copy, patch.file);
        const text = await readFile(file, 'utf8');
        if (text.split(patch.find).length !== 2) {
          throw new BuildError('patch source', logFile, `expected ${JSON.stringify(patch.find)} exactly once in ${module}/${patch.file}`);
        }
        await writeFile(file, text.replace(patch.find, patch.replace));
        log.write(`patched ${module}/${patch.file}: ${patch.reason}\n`);
      }
    }
    return join(scratch, 'wrapper');
  };
  /**
   * The wrapper requiring only another version of the module it pins, with its replacements: the
   * rest is what that version's own go.mod asks for, settled by `go mod tidy` through the proxy.
   */
  const retargeted = async (moduleDir: string, to: Retarget): Promise<string> => {
    const copy = join(`${outputPath}.src`, 'retargeted');
    await cp(moduleDir, copy, { recursive: true });
    const pinned = JSON.parse(await run('read the wrapper', copy, ['mod', 'edit', '-json'])) as GoModJson;
    let replaces = pinned.Replace ?? [];
    const { stagedAt } = to;
    if (stagedAt !== undefined) {
      const { GoMod } = JSON.parse(await run('fetch the target module', copy, ['mod', 'download', '-json', `${to.module}@${to.version}`])) as { GoMod: string };
      const target = JSON.parse(await run("read the target's go.mod", copy, ['mod', 'edit', '-json', GoMod])) as GoModJson;
      replaces = (target.Replace ?? []).filter((r) => r.New.Path.startsWith('./')).map((r) => ({ Old: r.Old, New: { Path: r.Old.Path, Version: stagedAt } }));
      log.write(`replaced ${replaces.length} in-tree modules of ${to.module}@${to.version} with their published ${stagedAt}\n`);
    }
    const lines = replaces.map((r) => `replace ${r.Old.Path} => ${r.New.Path} ${r.New.Version ?? ''}\n`);
    const godebug = (pinned.GoDebug ?? []).map((g) => `godebug ${g.Key}=${g.Value}\n`);
    const goMod = `module ${pinned.Module.Path}\n\ngo ${pinned.Go}\n\n${godebug.join('')}\nrequire ${to.module} ${to.version}\n\n${lines.join('')}`;
    await writeFile(join(copy, 'go.mod'), goMod);
    log.write(`the retargeted wrapper's go.mod, before go mod tidy:\n${goMod}`);
    await rm(join(copy, 'go.sum'), { force: true });
    await run('go mod tidy', copy, ['mod', 'tidy']);
    log.write(`built with ${to.module}@${to.version} instead of the wrapper's pin\n`);
    return copy;
  };
  const flags = [...(recipe.tags?.length ? ['-tags', recipe.tags.join(',')] : []), '-trimpath', '-ldflags', ['-s', '-w', ...recipe.ldflags].join(' ')];
  const task = progress.begin(label);
  try {
    let compiled = 0;
    const onLine = () => task.update(`${++compiled} packages compiled`);
    if ('upstreamVersion' in recipe) {
      // Outside any module, so only upstream's go.mod and go.sum decide what is built.
      await mkdir(`${outputPath}.src`, { recursive: true });
      await run('go install', `${outputPath}.src`, ['install', '-v', ...flags, `${recipe.mainPackage}@${recipe.upstreamVersion}`], onLine, { GOBIN: dirname(outputPath) });
    } else {
      task.update('go mod download');
      const moduleDir = recipe.retarget ? await retargeted(recipe.moduleDir, recipe.retarget) : recipe.moduleDir;
      await run('go mod download', moduleDir, ['mod', 'download']);
      const buildDir = recipe.sourcePatches?.length ? await patchedModule(moduleDir, recipe.sourcePatches) : moduleDir;
      await run('go build', buildDir, ['build', '-v', ...flags, '-o', outputPath, recipe.mainPackage], onLine);
    }
    task.end('done');
  } catch (err) {
    task.end('failed', (err as Error).message);
    throw err;
  } finally {
    await rm(`${outputPath}.src`, { recursive: true, force: true });
    await new Promise((resolve) => log.end(resolve));
  }
}

/** Module cache copies are read-only; make a copy writable so it can be patched and later removed. */
async function chmodTree(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await chmodTree(path);
    else await chmod(path, 0o644);
  }
}
