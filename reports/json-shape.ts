/** Where a JSON value departs from its shape: the JSON path (`scenarios[0].verdict`, "" for the whole value) and what was expected there. */
export interface ShapeProblem {
  readonly path: string;
  readonly message: string;
}

/** The shape of a JSON value of type T; `check` finds the first place a value departs from it. */
export interface Shape<T> {
  readonly check: (value: unknown, path: string) => ShapeProblem | undefined;
  /** Never set: it carries T, so that a schema declared as Shape<RunReport> is checked against RunReport by the compiler. */
  readonly type?: T;
}

interface OptionalShape<T> extends Shape<T> {
  readonly optional: true;
}

type TypeOf<S> = S extends Shape<infer T> ? T : never;
type Fields = Readonly<Record<string, Shape<unknown>>>;
type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K] extends OptionalShape<unknown> ? K : never }[keyof F];
type ObjectOf<F extends Fields> = { [K in Exclude<keyof F, OptionalKeys<F>>]: TypeOf<F[K]> } & { [K in OptionalKeys<F>]?: TypeOf<F[K]> };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function described(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function mismatch(path: string, expected: string, value: unknown): ShapeProblem {
  return { path, message: value === undefined ? `missing, expected ${expected}` : `expected ${expected}, got ${described(value)}` };
}

const keyPath = (path: string, key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`);

function leaf<T>(expected: string, test: (value: unknown) => boolean): Shape<T> {
  return { check: (value, path) => (test(value) ? undefined : mismatch(path, expected, value)) };
}

function choice<T extends string | number>(values: readonly T[]): Shape<T> {
  const quoted = values.map((v) => JSON.stringify(v));
  const expected = quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}` : (quoted[0] ?? 'nothing');
  return leaf(expected, (value) => values.includes(value as T));
}

export const string = leaf<string>('a string', (value) => typeof value === 'string');
export const number = leaf<number>('a number', (value) => typeof value === 'number');
export const boolean = leaf<boolean>('a boolean', (value) => typeof value === 'boolean');
/** Any JSON value, or none: `undefined` properties do not survive JSON.stringify. */
export const isTrue = leaf<true>('true', (value) => value === true);
export const json: Shape<unknown> = { check: () => undefined };
/** A string Date.parse reads, such as "2026-11-25T13:52:27.836Z". */
export const time = leaf<string>('a time such as "2026-11-25T13:52:27.836Z"', (value) => typeof value === 'string' && !Number.isNaN(Date.parse(value)));

export const literal = <const T extends string | number>(value: T): Shape<T> => choice([value]);

/** One of a closed set of strings, given as keys: a value the type gains and the schema lacks is a compile error. */
export const oneOf = <T extends string>(values: { readonly [K in T]: true }): Shape<T> => choice(Object.keys(values) as T[]);

export function optional<T>(shape: Shape<T>): OptionalShape<T> {
  return { optional: true, check: (value, path) => (value === undefined ? undefined : shape.check(value, path)) };
}

export function array<T>(item: Shape<T>): Shape<T[]> {
  return {
    check(value, path) {
      if (!Array.isArray(value)) return mismatch(path, 'an array', value);
      for (const [i, element] of value.entries()) {
        const problem = item.check(element, `${path}[${i}]`);
        if (problem) return problem;
      }
      return undefined;
    },
  };
}

export function record<T>(entry: Shape<T>): Shape<Record<string, T>> {
  return {
    check(value, path) {
      if (!isObject(value)) return mismatch(path, 'an object', value);
      for (const [key, element] of Object.entries(value)) {
        const problem = entry.check(element, keyPath(path, key));
        if (problem) return problem;
      }
      return undefined;
    },
  };
}

/** An object with these fields, checked in their order; fields the shape does not name are let through. */
export function object<const F extends Fields>(fields: F): Shape<ObjectOf<F>> {
  return {
    check(value, path) {
      if (!isObject(value)) return mismatch(path, 'an object', value);
      for (const [key, field] of Object.entries(fields)) {
        const problem = field.check(Object.hasOwn(value, key) ? value[key] : undefined, keyPath(path, key));
        if (problem) return problem;
      }
      return undefined;
    },
  };
}

/** A discriminated union: the `tag` field names the member, whose shape checks the rest. */
export function tagged<const Tag extends string, const M extends Readonly<Record<string, Shape<object>>>>(
  tag: Tag,
  members: M,
): Shape<{ [K in keyof M & string]: { readonly [P in Tag]: K } & TypeOf<M[K]> }[keyof M & string]> {
  const tags = choice(Object.keys(members));
  return {
    check(value, path) {
      if (!isObject(value)) return mismatch(path, 'an object', value);
      const kind = value[tag];
      return tags.check(kind, keyPath(path, tag)) ?? members[kind as keyof M]!.check(value, path);
    },
  };
}

/** A union whose members each carry a field of their own: the field present names the member, whose shape checks the rest. */
export function keyedBy<const M extends Readonly<Record<string, Shape<object>>>>(members: M): Shape<TypeOf<M[keyof M]>> {
  const keys = Object.keys(members);
  return {
    check(value, path) {
      if (!isObject(value)) return mismatch(path, 'an object', value);
      const key = keys.find((k) => Object.hasOwn(value, k));
      return key ? members[key]!.check(value, path) : mismatch(path, `an object with one of the fields ${keys.join(', ')}`, value);
    },
  };
}
