/**
 * How an attempt holds a part of the cluster that attempts in other namespaces share: `shared`,
 * it relies on the part as it runs; `exclusive`, it restarts the part (stops it, or runs it with
 * flags of its own) or writes what another attempt would contend for, which no other attempt may
 * see happen.
 */
export type HoldMode = 'shared' | 'exclusive';

/**
 * The parts of the cluster an attempt holds, by name: `kube-apiserver`, `prometheus`, a
 * controller (`flagger`, `reloader`, `wave`), or any other that scenarios agree on (`nodes`). Its namespace is its own and needs no hold.
 */
export type Holds = Readonly<Record<string, HoldMode>>;

/** Every attempt talks to the API server. */
export const BASE_HOLDS: Holds = { 'kube-apiserver': 'shared' };

/** The union of holds; `exclusive` wins over `shared`. */
export function mergeHolds(...all: readonly Holds[]): Holds {
  const merged: Record<string, HoldMode> = {};
  for (const holds of all) for (const [part, mode] of Object.entries(holds)) if (merged[part] !== 'exclusive') merged[part] = mode;
  return merged;
}

/** The first part two attempts cannot hold at once (one of them holds it exclusively), or undefined. */
export function contendedPart(a: Holds, b: Holds): string | undefined {
  return Object.keys(a).find((part) => b[part] !== undefined && (a[part] === 'exclusive' || b[part] === 'exclusive'));
}

/** Two attempts ran at once although they could not: the scheduler was bypassed, or a declaration is missing. */
export class HoldConflictError extends Error {
  override name = 'HoldConflictError';
}
