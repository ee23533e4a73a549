import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Progress } from '../progress.ts';
import { cacheRoot } from './cache-dir.ts';
import { goBuildEnv } from './go-build.ts';

/**
 * The source of a pinned Go module, fetched through the Go module proxy into Go's own module
 * cache (read-only, keyed by version), so upstream manifests are read from the exact release
 * rather than from a copy kept here.
 */
export async function goModuleSource(module: string, version: string, progress: Progress): Promise<string> {
  const args = ['mod', 'download', '-json', `${module}@${version}`];
  // Outside any module, so no go.mod constrains what is fetched.
  const cwd = join(cacheRoot(), 'module-sources');
  await mkdir(cwd, { recursive: true });
  const task = progress.begin(`fetch ${module}@${version} from the Go module proxy`);
  progress.command(['go', ...args]);
  const res = await execa('go', args, { env: goBuildEnv, reject: false, cwd });
  // With -json, go reports a module it cannot fetch in the JSON's Error, and exits 1.
  let said: { Dir?: string; Error?: string } = {};
  try {
    said = JSON.parse(res.stdout) as typeof said;
  } catch {}
  const dir = res.exitCode === 0 ? said.Dir : undefined;
  if (!dir) {
    task.end('failed');
    throw new Error(`cannot fetch ${module}@${version} through the Go module proxy: ${said.Error ?? (res.stderr || res.stdout || res.message)}`);
  }
  task.end('done');
  return dir;
}
