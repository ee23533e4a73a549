import { contendedPart, HoldConflictError, type Holds } from './holds.ts';

/** One unit of work the scheduler starts: an attempt, with what it holds of the cluster. */
export interface Schedulable {
  /** How reports name it: `config-change #1`. */
  readonly label: string;
  readonly holds: Holds;
}

/** Why an item did not start at once, and for how long. */
export interface Waited {
  readonly ms: number;
  readonly reason: string;
}

/** What the scheduler tells an item it starts. */
export interface Start {
  readonly waited?: Waited;
  /** The item clashes with a running one over a part of the cluster: it must not run. */
  readonly clash?: HoldConflictError;
}

export interface ScheduleOptions<T extends Schedulable> {
  /** How many items run at once. */
  readonly workers: number;
  /**
   * Test-only: start items as if they shared nothing, so that the guard, not the scheduler, meets
   * a clash. It proves that a clash cannot pass unnoticed.
   */
  readonly ignoreHolds?: boolean;
  run(item: T, start: Start): Promise<void>;
}

function clashOf<T extends Schedulable>(item: Schedulable, others: Iterable<T>): { other: T; part: string } | undefined {
  for (const other of others) {
    const part = contendedPart(item.holds, other.holds);
    if (part) return { other, part };
  }
  return undefined;
}

const holding = (s: Schedulable, part: string) => `${s.label} holds it ${s.holds[part]}`;

/**
 * Runs every item, at most `workers` at once, never two at once that contend for a part of the
 * cluster (one holds exclusively what the other holds). Items start in order: one that must wait keeps its
 * place, and no later item that contends with it overtakes it. Resolves when all have ended.
 */
export async function schedule<T extends Schedulable>(items: readonly T[], o: ScheduleOptions<T>): Promise<void> {
  const queuedAt = Date.now();
  const pending = [...items];
  const running = new Set<T>();
  const reasons = new Map<T, string>();
  let wake: () => void = () => {};

  const pick = (): T | undefined => {
    if (running.size >= o.workers) {
      for (const item of pending) if (!reasons.has(item)) reasons.set(item, `all ${o.workers} workers were busy`);
      return undefined;
    }
    for (const [i, item] of pending.entries()) {
      if (o.ignoreHolds) return item;
      const clash = clashOf(item, [...running, ...pending.slice(0, i)]);
      if (!clash) return item;
      // A clash with a running item is the reason worth reporting; a worker limit only until there is one.
      if (running.has(clash.other) && !reasons.get(item)?.startsWith(`${clash.part}:`)) reasons.set(item, `${clash.part}: ${holding(clash.other, clash.part)}`);
      else if (!reasons.has(item)) reasons.set(item, `${clash.part}: ${holding(clash.other, clash.part)}, ahead in the queue`);
    }
    return undefined;
  };

  const started: Promise<void>[] = [];
  while (pending.length) {
    const item = pick();
    if (!item) {
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    pending.splice(pending.indexOf(item), 1);
    const clash = clashOf(item, running);
    const ms = Date.now() - queuedAt;
    const reason = reasons.get(item);
    const start: Start = {
      ...(reason && ms > 0 ? { waited: { ms, reason } } : {}),
      ...(clash ? { clash: new HoldConflictError(`${item.label} and ${clash.other.label} ran at once, but ${item.label} holds ${clash.part} ${item.holds[clash.part]} and ${clash.other.label} holds it ${clash.other.holds[clash.part]}: only the scheduler's test switch lets that happen`) } : {}),
    };
    running.add(item);
    started.push(
      o.run(item, start).finally(() => {
        running.delete(item);
        wake();
      }),
    );
  }
  await Promise.all(started);
}
