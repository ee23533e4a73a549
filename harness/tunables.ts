import { resolve } from 'node:path';
import { TunableError } from './tunable-error.ts';

/** A scenario's tunable: typed, with a default, set with `--set key=value`. */
export type TunableSpec =
  | { readonly type: 'number'; readonly default: number; readonly description: string; readonly min?: number; readonly max?: number }
  | { readonly type: 'boolean'; readonly default: boolean; readonly description: string }
  | { readonly type: 'enum'; readonly default: string; readonly description: string; readonly values: readonly string[] }
  /** Free text of a shape: `pattern` says which, `expected` says it to the user. */
  | { readonly type: 'string'; readonly default: string; readonly description: string; readonly pattern: RegExp; readonly expected: string }
  | FileTunableSpec<unknown>;

/**
 * A file the user brings (`--set canary=FILE`), unset by default. `read` turns it into what the
 * scenario works with, or throws a TunableError naming what in the file cannot work, so a bad
 * file ends the run before any cluster work.
 */
export interface FileTunableSpec<T> {
  readonly type: 'file';
  readonly description: string;
  readonly read: (path: string) => T;
}

export type TunableSpecs = Readonly<Record<string, TunableSpec>>;

/**
 * The `sabotage` tunable every scenario ships: `none`, or one of `modes`, each a deliberately
 * broken set-up that the tests run to prove a named check can fail.
 */
export function sabotageTunable(description: string, ...modes: readonly string[]): Extract<TunableSpec, { type: 'enum' }> {
  return { type: 'enum', default: 'none', values: ['none', ...modes], description };
}

/** The name of the tunable by which a scenario takes faults. */
export const FAULT_TUNABLE = 'fault';

/**
 * The `fault` tunable of a scenario that can take faults: `none`, or one of `faults`, each
 * injected into the environment at a moment the scenario defines, to prove its verdict survives.
 */
export function faultTunable(description: string, ...faults: readonly string[]): Extract<TunableSpec, { type: 'enum' }> {
  return { type: 'enum', default: 'none', values: ['none', ...faults], description };
}

/** The values a scenario body sees, typed from its specs. */
export type TunableValues<S extends TunableSpecs> = {
  readonly [K in keyof S]: S[K] extends { type: 'number' } ? number
    : S[K] extends { type: 'boolean' } ? boolean
    : S[K] extends FileTunableSpec<infer T> ? T | undefined
    : string;
};

/** A tunable's default as `--list` shows it. */
export const defaultShown = (spec: TunableSpec): string => (spec.type === 'file' ? 'FILE' : String(spec.default));


function parseValue(key: string, spec: TunableSpec, raw: string, flag: string): unknown {
  switch (spec.type) {
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new TunableError(`${flag} ${key}=${raw}: expected a number`);
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        throw new TunableError(`${flag} ${key}=${raw}: must be between ${spec.min ?? '-∞'} and ${spec.max ?? '∞'}`);
      }
      return n;
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw new TunableError(`${flag} ${key}=${raw}: expected true or false`);
      return raw === 'true';
    case 'enum':
      if (!spec.values.includes(raw)) throw new TunableError(`${flag} ${key}=${raw}: expected one of ${spec.values.join(', ')}`);
      return raw;
    case 'string':
      if (!spec.pattern.test(raw)) throw new TunableError(`${flag} ${key}=${raw}: expected ${spec.expected}`);
      return raw;
    case 'file': {
      const path = resolve(raw);
      try {
        return spec.read(path);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code) throw new TunableError(`${flag} ${key}=${raw}: cannot read ${path} (${code})`);
        if (err instanceof TunableError) throw new TunableError(`${flag} ${key}=${raw}: ${err.message}`);
        throw err;
      }
    }
  }
}

/**
 * Defaults overridden by `key=value` settings; an unknown key or bad value names what exists.
 * `swept` are the keys a `--matrix` set, which errors name as such.
 */
export function resolveTunables<S extends TunableSpecs>(scenario: string, specs: S, settings: Readonly<Record<string, string>>, swept: readonly string[] = []): TunableValues<S> {
  const values: Record<string, unknown> = Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, s.type === 'file' ? undefined : s.default]));
  for (const [key, raw] of Object.entries(settings)) {
    const spec = specs[key];
    if (!spec) {
      const known = Object.keys(specs);
      throw new TunableError(`scenario ${scenario} has no tunable "${key}"; it has: ${known.length ? known.join(', ') : 'none'}`);
    }
    try {
      values[key] = parseValue(key, spec, raw, swept.includes(key) ? '--matrix' : '--set');
    } catch (err) {
      throw err instanceof TunableError ? new TunableError(`scenario ${scenario}: ${err.message}`) : err;
    }
  }
  return values as TunableValues<S>;
}

/** The values as reports show them: a file tunable as the path it was set to, else `none`. */
export function shownTunables(specs: TunableSpecs, values: Readonly<Record<string, unknown>>, settings: Readonly<Record<string, string>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, s.type === 'file' ? (settings[k] ?? 'none') : values[k]]));
}

/** `--set a=1 --set b=x` → `{a: '1', b: 'x'}`. */
export function parseSettings(values: readonly string[]): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new TunableError(`--set expects KEY=VALUE, got "${value}"`);
    settings[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return settings;
}
