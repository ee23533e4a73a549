/** A scenario's tunable: typed, with a default, set with `--set key=value`. */
export type TunableSpec =
  | { readonly type: 'number'; readonly default: number; readonly description: string; readonly min?: number; readonly max?: number }
  | { readonly type: 'boolean'; readonly default: boolean; readonly description: string }
  | { readonly type: 'enum'; readonly default: string; readonly description: string; readonly values: readonly string[] };

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
  readonly [K in keyof S]: S[K] extends { type: 'number' } ? number : S[K] extends { type: 'boolean' } ? boolean : string;
};

export class TunableError extends Error {
  override name = 'TunableError';
}

function parseValue(key: string, spec: TunableSpec, raw: string): number | boolean | string {
  switch (spec.type) {
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new TunableError(`--set ${key}=${raw}: expected a number`);
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        throw new TunableError(`--set ${key}=${raw}: must be between ${spec.min ?? '-∞'} and ${spec.max ?? '∞'}`);
      }
      return n;
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw new TunableError(`--set ${key}=${raw}: expected true or false`);
      return raw === 'true';
    case 'enum':
      if (!spec.values.includes(raw)) throw new TunableError(`--set ${key}=${raw}: expected one of ${spec.values.join(', ')}`);
      return raw;
  }
}

/** Defaults overridden by `key=value` settings; an unknown key or bad value names what exists. */
export function resolveTunables<S extends TunableSpecs>(scenario: string, specs: S, settings: Readonly<Record<string, string>>): TunableValues<S> {
  const values: Record<string, unknown> = Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, s.default]));
  for (const [key, raw] of Object.entries(settings)) {
    const spec = specs[key];
    if (!spec) {
      const known = Object.keys(specs);
      throw new TunableError(`scenario ${scenario} has no tunable "${key}"; it has: ${known.length ? known.join(', ') : 'none'}`);
    }
    try {
      values[key] = parseValue(key, spec, raw);
    } catch (err) {
      throw err instanceof TunableError ? new TunableError(`scenario ${scenario}: ${err.message}`) : err;
    }
  }
  return values as TunableValues<S>;
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
