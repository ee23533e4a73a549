import { access, constants, mkdir, readFile, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { execa } from 'execa';
import { silentProgress, type Progress } from '../progress.ts';
import { catalog, componentOf, goRecipe, overrideEnvVar, releaseUrlEnvVar, type ComponentSpec, type ComponentVersions } from './catalog.ts';
import { cacheRoot, componentDir } from './cache-dir.ts';
import { downloadRelease } from './release-download.ts';
import { BuildError, goBuild } from './go-build.ts';
import type { ComponentName } from './versions.ts';

/** How a cached component version got there. Written last, so its presence marks a complete install. */
export interface Provenance {
  readonly component: ComponentName;
  readonly version: string;
  readonly method: 'download' | 'go-build';
  readonly from: string;
  readonly installedAt: string;
  readonly durationMs: number;
}

export type BinarySource =
  | { readonly kind: 'override'; readonly via: string }
  | { readonly kind: 'cache'; readonly provenance: Provenance };

export interface ResolvedBinary {
  readonly binary: string;
  readonly component: ComponentName;
  readonly version: string;
  readonly path: string;
  readonly source: BinarySource;
}

export interface ProvisionOptions {
  /** Binary name → path, from `--bin name=path`; these win over `TESTBED_<NAME>_BIN`. */
  readonly overrides?: Readonly<Record<string, string>>;
  /** Components at other versions than their pins (`--component`), built into the cache like the pins. */
  readonly versions?: ComponentVersions;
  readonly progress?: Progress;
}

export class ComponentUnavailableError extends Error {
  constructor(
    readonly binary: string,
    spec: ComponentSpec,
    attempts: readonly string[],
  ) {
    super(
      [
        `${binary} ${spec.version} is not available. Tried:`,
        ...attempts.map((a) => `  - ${a}`),
        supplyHint(spec, binary),
      ].join('\n'),
    );
    this.name = 'ComponentUnavailableError';
  }
}

function supplyHint(spec: ComponentSpec, binary: string): string {
  switch (spec.scope) {
    case 'core':
      return `Supply it with --bin ${binary}=PATH or ${overrideEnvVar(binary)}=PATH, or install Go >= 1.26 and run \`testbed components install\`.`;
    case 'addon': {
      const recipe = 'unavailable' in spec.goBuild ? undefined : spec.goBuild;
      const elsewhere = recipe && 'upstreamVersion' in recipe ? ` (built where the Go module proxy serves it: \`go install ${recipe.mainPackage}@${recipe.upstreamVersion}\`)` : '';
      return `Supply it with ${overrideEnvVar(binary)}=PATH${elsewhere}.`;
    }
    case 'provider-tool':
      return `Put ${binary} ${spec.version} on PATH, or point ${overrideEnvVar(binary)} at it.`;
  }
}

const PROVENANCE = 'provenance.json';

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function readProvenance(spec: ComponentSpec): Promise<Provenance | undefined> {
  try {
    return JSON.parse(await readFile(join(componentDir(spec.name, spec.version), PROVENANCE), 'utf8')) as Provenance;
  } catch {
    return undefined;
  }
}

function overrideFor(binary: string, options: ProvisionOptions): { path: string; via: string } | undefined {
  const flag = options.overrides?.[binary];
  if (flag) return { path: flag, via: `--bin ${binary}=${flag}` };
  const env = process.env[overrideEnvVar(binary)];
  if (env) return { path: env, via: `${overrideEnvVar(binary)}=${env}` };
  return undefined;
}

/** Resolves `binary` from an override or the cache, without fetching or building anything. */
export async function lookupBinary(binary: string, options: ProvisionOptions = {}): Promise<ResolvedBinary | undefined> {
  const spec = componentOf(binary, options.versions);
  const override = overrideFor(binary, options);
  if (override) {
    if (!(await isExecutable(override.path))) {
      throw new Error(`${override.via}: ${override.path} is not an executable file`);
    }
    return { binary, component: spec.name, version: spec.version, path: override.path, source: { kind: 'override', via: override.via } };
  }
  const provenance = await readProvenance(spec);
  const path = join(componentDir(spec.name, spec.version), 'bin', binary);
  if (provenance && (await isExecutable(path))) {
    return { binary, component: spec.name, version: spec.version, path, source: { kind: 'cache', provenance } };
  }
  return undefined;
}

async function installByDownload(spec: ComponentSpec, binDir: string, progress: Progress): Promise<string> {
  if (!spec.release) throw new Error(`${spec.name} publishes no release binaries, only container images`);
  const base = process.env[releaseUrlEnvVar(spec.name)] || spec.release.baseUrl;
  for (const binary of spec.binaries) {
    await downloadRelease(spec.release.artifact(binary, base), join(binDir, binary), progress);
  }
  return base;
}

async function installByGoBuild(spec: ComponentSpec, binDir: string, logFile: string, progress: Progress): Promise<string> {
  const recipe = goRecipe(spec);
  const go = await execa('go', ['version'], { reject: false, env: { GOTOOLCHAIN: 'local' } });
  if (go.failed) throw new BuildError('find go', logFile, 'go is not on PATH');
  await goBuild(recipe, join(binDir, recipe.output), logFile, progress, `build ${spec.name} ${spec.version} from the Go module proxy`);
  for (const binary of spec.binaries) {
    if (binary !== recipe.output) await symlink(recipe.output, join(binDir, binary));
  }
  const via = 'moduleDir' in recipe
    ? `${recipe.moduleDir}${recipe.retarget ? ` with ${recipe.retarget.module}@${recipe.retarget.version}` : ''}`
    : `${recipe.mainPackage}@${recipe.upstreamVersion}`;
  return `Go module proxy via ${via} (${go.stdout.trim()})`;
}

/**
 * Makes `spec` present in the version-keyed cache: official download first, then a Go build.
 * A lock serialises concurrent runs; work happens in a temporary folder renamed into place, so a
 * failure leaves nothing half-written in the cache.
 */
async function installComponent(spec: ComponentSpec, progress: Progress): Promise<string[]> {
  const finalDir = componentDir(spec.name, spec.version);
  await mkdir(join(cacheRoot(), 'logs'), { recursive: true });
  await mkdir(join(cacheRoot(), spec.name), { recursive: true });
  const lockOptions = { realpath: false, lockfilePath: `${finalDir}.lock`, stale: 30_000, update: 10_000, onCompromised: () => {} };
  const lockDir = join(cacheRoot(), spec.name);
  const release = await lockfile.lock(lockDir, lockOptions).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ELOCKED') throw err;
    const waiting = progress.begin(`wait for another run installing ${spec.name} ${spec.version}`);
    const acquired = await lockfile.lock(lockDir, { ...lockOptions, retries: { retries: 3000, minTimeout: 500, maxTimeout: 2000 } });
    waiting.end('done');
    return acquired;
  });
  const failures: string[] = [];
  const workDir = `${finalDir}.tmp-${process.pid}`;
  try {
    if (await readProvenance(spec)) return failures;
    // We hold the lock, so any other work folder is what an interrupted run left.
    for (const entry of await readdir(lockDir)) {
      if (entry.startsWith(`${spec.version}.tmp-`)) await rm(join(lockDir, entry), { recursive: true, force: true });
    }
    await rm(finalDir, { recursive: true, force: true });
    const started = Date.now();
    const attempts: Array<[Provenance['method'], () => Promise<string>]> = [
      ['download', () => installByDownload(spec, join(workDir, 'bin'), progress)],
      ['go-build', () => installByGoBuild(spec, join(workDir, 'bin'), join(cacheRoot(), 'logs', `${spec.name}-${spec.version}-build.log`), progress)],
    ];
    for (const [method, attempt] of attempts) {
      await rm(workDir, { recursive: true, force: true });
      await mkdir(join(workDir, 'bin'), { recursive: true });
      try {
        const from = await attempt();
        const provenance: Provenance = {
          component: spec.name,
          version: spec.version,
          method,
          from,
          installedAt: new Date().toISOString(),
          durationMs: Date.now() - started,
        };
        await writeFile(join(workDir, PROVENANCE), JSON.stringify(provenance, null, 2));
        await rename(workDir, finalDir);
        return failures;
      } catch (err) {
        failures.push(`${method}: ${(err as Error).message}`);
      }
    }
    return failures;
  } finally {
    await rm(workDir, { recursive: true, force: true });
    await release();
  }
}

/**
 * Resolves each binary in order: override, cache, official download (checksum-verified), Go build.
 * Throws one {@link ComponentUnavailableError} naming what is missing and how to supply it.
 */
export async function provisionBinaries(
  binaries: readonly string[],
  options: ProvisionOptions = {},
): Promise<Record<string, ResolvedBinary>> {
  const progress = options.progress ?? silentProgress;
  const resolved: Record<string, ResolvedBinary> = {};
  for (const binary of binaries) {
    let found = await lookupBinary(binary, options);
    if (!found) {
      const spec = componentOf(binary, options.versions);
      const failures = await installComponent(spec, progress);
      found = await lookupBinary(binary, options);
      if (!found) {
        throw new ComponentUnavailableError(binary, spec, [
          `override: neither --bin ${binary}=PATH nor ${overrideEnvVar(binary)} is set`,
          `cache: nothing at ${componentDir(spec.name, spec.version)}`,
          ...failures,
        ]);
      }
    }
    resolved[binary] = found;
  }
  return resolved;
}

/** The binaries of the components in `scope`: `core` for the embedded cluster and the tests. */
export const binariesIn = (scope: ComponentSpec['scope']): string[] =>
  Object.values(catalog).filter((c) => c.scope === scope).flatMap((c) => [...c.binaries]);

/**
 * What to run for a provider tool: the pinned binary when it is installed (an override or the
 * cache), else the bare name, found on PATH.
 */
export async function toolCommand(binary: string): Promise<string> {
  return (await lookupBinary(binary))?.path ?? binary;
}
