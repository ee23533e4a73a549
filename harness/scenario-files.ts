import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { register } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import type { Scenario } from './scenario.ts';
import { CONFIG_FILE, type TestbedConfig } from './testbed-config.ts';

/** The name users import the public API by. */
export const PACKAGE_NAME = 'delivery-testbed';
const PUBLIC_API = fileURLToPath(new URL('../index.ts', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
export const SCENARIO_FILE_SUFFIX = '.scenario.ts';

/** A user's file that cannot be used: the message names the file, and the line where there is one. */
export class ScenarioFileError extends Error {
  override name = 'ScenarioFileError';
}

export interface UserScenario {
  readonly scenario: Scenario;
  readonly file: string;
}

/** A file as the user knows it: relative to where they run, unless it lies elsewhere. */
const shown = (file: string) => {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
};
const where = (file: string, line?: number) => `${shown(file)}${line === undefined ? '' : `:${line}`}`;

/** The `*.scenario.ts` files of `dir`, sorted; an error when there is no such folder or it holds none. */
export async function scenarioFilesIn(dir: string): Promise<string[]> {
  const abs = resolve(dir);
  const info = await stat(abs).catch(() => undefined);
  if (!info?.isDirectory()) throw new ScenarioFileError(`--scenarios ${dir}: no such directory`);
  const files = (await readdir(abs)).filter((f) => f.endsWith(SCENARIO_FILE_SUFFIX)).sort();
  if (files.length === 0) throw new ScenarioFileError(`--scenarios ${dir}: no *${SCENARIO_FILE_SUFFIX} file in ${abs}`);
  return files.map((f) => join(abs, f));
}

/**
 * Type-checks users' files against the public API with the project's own compiler options, as
 * tsx (which only strips types) would not: a type error is reported before anything runs.
 */
export function typeCheck(files: readonly string[]): void {
  const read = ts.readConfigFile(TSCONFIG, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(TSCONFIG));
  // A user's unused variable is their style, not an error of theirs.
  // Preserve and Bundler: a user's folder has no package.json saying "type": "module", and needs none.
  const options: ts.CompilerOptions = {
    ...parsed.options,
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    noUnusedLocals: false,
    noUnusedParameters: false,
    types: ['node'],
    paths: { [PACKAGE_NAME]: [PUBLIC_API] },
  };
  const program = ts.createProgram({ rootNames: [...files], options });
  const own = new Set(files.map((f) => resolve(f)));
  const diagnostics = program.getSourceFiles().filter((sf) => own.has(resolve(sf.fileName))).flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]);
  const first = diagnostics[0];
  if (!first) return;
  const line = first.file && first.start !== undefined ? first.file.getLineAndCharacterOfPosition(first.start).line + 1 : undefined;
  const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : '';
  throw new ScenarioFileError(`${where(first.file?.fileName ?? files[0]!, line)}: ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}${more}`);
}

let resolving = false;
/**
 * Lets a file anywhere import 'delivery-testbed' (Node would look for it in the file's
 * node_modules), and loads scenario files as ES modules even where no package.json says so.
 */
function resolveUserFiles(): void {
  if (resolving) return;
  resolving = true;
  const hook = `export async function resolve(specifier, context, next) {
  const resolved = await next(specifier === ${JSON.stringify(PACKAGE_NAME)} ? ${JSON.stringify(pathToFileURL(PUBLIC_API).href)} : specifier, context);
  return resolved.url.split('?')[0].endsWith(${JSON.stringify(SCENARIO_FILE_SUFFIX)}) || resolved.url.split('?')[0].endsWith('/${CONFIG_FILE}') ? { ...resolved, format: 'module' } : resolved;
}`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}

const isScenario = (v: unknown): v is Scenario => {
  const s = v as Partial<Scenario> | null;
  return typeof s === 'object' && s !== null && typeof s.name === 'string' && typeof s.run === 'function' && typeof s.tunables === 'object' && typeof s.needs === 'object';
};

async function importFile(file: string): Promise<Record<string, unknown>> {
  resolveUserFiles();
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const frame = new RegExp(`${escaped}(?:\\?[^:]*)?:(\\d+)`).exec((err as Error).stack ?? '');
    throw new ScenarioFileError(`${where(file, frame ? Number(frame[1]) : undefined)}: loading it threw: ${(err as Error).message}`);
  }
}

/** The line of `file` that declares scenario `name`, for a message that points at it. */
async function lineOfName(file: string, name: string): Promise<number | undefined> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const i = lines.findIndex((l) => l.includes(`'${name}'`) || l.includes(`"${name}"`) || l.includes(`\`${name}\``));
  return i < 0 ? undefined : i + 1;
}

/**
 * Loads users' scenario files: each must export (default or by name) at least one scenario made
 * with defineScenario, whose name no built-in and no other file has taken.
 */
export async function loadScenarioFiles(files: readonly string[], builtIns: readonly Scenario[]): Promise<UserScenario[]> {
  typeCheck(files);
  const loaded: UserScenario[] = [];
  for (const file of files) {
    const exported = [...new Set(Object.values(await importFile(file)))].filter(isScenario);
    if (exported.length === 0) throw new ScenarioFileError(`${where(file)}: exports no scenario; export one made with defineScenario from '${PACKAGE_NAME}'`);
    for (const scenario of exported) {
      const builtIn = builtIns.some((b) => b.name === scenario.name);
      const earlier = loaded.find((u) => u.scenario.name === scenario.name);
      if (builtIn || earlier) {
        throw new ScenarioFileError(`${where(file, await lineOfName(file, scenario.name))}: scenario name "${scenario.name}" is taken by ${builtIn ? 'a built-in scenario' : where(earlier!.file)}; rename it`);
      }
      loaded.push({ scenario, file });
    }
  }
  return loaded;
}

/** The project's `testbed.config.ts` in `dir`, type-checked and loaded; undefined when there is none. */
export async function loadTestbedConfig(dir: string): Promise<{ readonly file: string; readonly config: TestbedConfig } | undefined> {
  const file = join(resolve(dir), CONFIG_FILE);
  if (!existsSync(file)) return undefined;
  typeCheck([file]);
  const config = (await importFile(file)).default as TestbedConfig | undefined;
  if (typeof config !== 'object' || config === null) throw new ScenarioFileError(`${where(file)}: has no default export; write export default defineConfig({ … }) from '${PACKAGE_NAME}'`);
  return { file, config };
}
