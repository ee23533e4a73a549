import { TunableError } from './tunable-error.ts';

/** One combination of a `--matrix`: a value for each swept tunable. */
export type Combination = Readonly<Record<string, string>>;

/** The tunables a `--matrix` sweeps, each with its values in the order given. */
export type Matrix = Readonly<Record<string, readonly string[]>>;

/** `--matrix a=1,2 --matrix b=x` → `{a: ['1', '2'], b: ['x']}`. */
export function parseMatrix(values: readonly string[]): Matrix {
  const matrix: Record<string, string[]> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new TunableError(`--matrix expects KEY=V1,V2,…, got "${value}"`);
    const key = value.slice(0, eq);
    const list = value.slice(eq + 1).split(',');
    if (key in matrix) throw new TunableError(`--matrix ${key} is given twice; list every value in one --matrix ${key}=V1,V2,…`);
    if (list.some((v) => v === '')) throw new TunableError(`--matrix ${value}: an empty value; expected KEY=V1,V2,…`);
    const repeated = list.find((v, i) => list.indexOf(v) !== i);
    if (repeated !== undefined) throw new TunableError(`--matrix ${key} lists ${repeated} twice; use --repeat to run a combination more than once`);
    matrix[key] = list;
  }
  return matrix;
}

/** Every combination of the matrix's values (their product), the first key varying slowest; none for an empty matrix. */
export function combinations(matrix: Matrix): Combination[] {
  const keys = Object.keys(matrix);
  if (!keys.length) return [];
  return keys.reduce<Combination[]>((product, key) => product.flatMap((c) => matrix[key]!.map((v) => ({ ...c, [key]: v }))), [{}]);
}

/** `errorRate=0.01, sabotage=none`: how reports name a combination. */
export const combinationLabel = (c: Combination): string =>
  Object.entries(c)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

/** A name with the combination it ran, where there is one: `bad-canary [errorRate=0.1]`. */
export const withCombination = (name: string, c: Combination | undefined): string => (c ? `${name} [${combinationLabel(c)}]` : name);
