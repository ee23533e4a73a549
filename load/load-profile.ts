/** Loads stay bounded so a typo cannot turn the machine into a traffic generator. */
export const MAX_RPS = 5000;
export const MAX_SECONDS = 600;

/** One constant-rate stretch of a load; vegeta's command line paces at a constant rate. */
export interface LoadStage {
  readonly rps: number;
  readonly seconds: number;
}

export type LoadProfile =
  | { readonly kind: 'steady'; readonly rps: number; readonly seconds: number }
  /** Climbs from `fromRps` to `toRps` in `steps` equal stages. */
  | { readonly kind: 'ramp'; readonly fromRps: number; readonly toRps: number; readonly seconds: number; readonly steps: number };

export class LoadInputError extends Error {
  override name = 'LoadInputError';
}

function checkRate(what: string, rps: number): void {
  if (!Number.isFinite(rps) || rps <= 0 || rps > MAX_RPS) throw new LoadInputError(`${what} must be a rate in (0, ${MAX_RPS}] requests/s, not ${rps}`);
}

/** The constant-rate stages of `profile`, after checking it stays within the bounds. */
export function stagesOf(profile: LoadProfile): LoadStage[] {
  if (!Number.isFinite(profile.seconds) || profile.seconds <= 0 || profile.seconds > MAX_SECONDS) {
    throw new LoadInputError(`duration must be within (0, ${MAX_SECONDS}] s, not ${profile.seconds}`);
  }
  if (profile.kind === 'steady') {
    checkRate('rps', profile.rps);
    return [{ rps: profile.rps, seconds: profile.seconds }];
  }
  checkRate('ramp start rps', profile.fromRps);
  checkRate('ramp end rps', profile.toRps);
  if (!Number.isInteger(profile.steps) || profile.steps < 2 || profile.seconds / profile.steps < 1) {
    throw new LoadInputError(`a ramp needs at least 2 steps of at least 1 s each, not ${profile.steps} over ${profile.seconds} s`);
  }
  return Array.from({ length: profile.steps }, (_, i) => ({
    rps: Math.round(profile.fromRps + ((profile.toRps - profile.fromRps) * i) / (profile.steps - 1)),
    seconds: profile.seconds / profile.steps,
  }));
}

/** `30s`, `2m`, `1500ms` or a bare number of seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new LoadInputError(`duration "${text}" is not a number with an optional unit ms, s or m`);
  return Number(m[1]) * ({ ms: 0.001, s: 1, m: 60 } as const)[(m[2] ?? 's') as 'ms' | 's' | 'm'];
}
