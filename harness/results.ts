import type { CheckProof } from './check-proofs.ts';

/** Outcome of one check. `skipped` means it could not apply here (a tool is absent), never a pass. */
export type CheckStatus = 'pass' | 'fail' | 'skipped';
export type Verdict = 'pass' | 'fail' | 'error';

export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  readonly expected: unknown;
  readonly observed: unknown;
  readonly reason: string;
  readonly at: string;
  /** The matrix column, e.g. the mechanism under test; a name is unique within its variant. */
  readonly variant?: string;
  /** Cause and effect behind the observation. */
  readonly chain?: readonly string[];
  /** How the check has been seen to fail (a sabotage the tests run), or why it cannot; absent where the scenario declares no checks. */
  readonly proof?: CheckProof;
}

/** What decided a verdict: the first failed check, or the step that crashed. */
export type DecidedBy =
  | { readonly kind: 'checks' }
  | { readonly kind: 'check'; readonly name: string }
  | { readonly kind: 'step'; readonly name: string; readonly error: string };

/**
 * error: the environment broke (a step crashed, a component was missing); fail: a check failed;
 * pass: every check passed and at least one ran.
 */
export function decideVerdict(checks: readonly CheckResult[], crash: { step: string; error: string } | undefined): { verdict: Verdict; decidedBy: DecidedBy } {
  if (crash) return { verdict: 'error', decidedBy: { kind: 'step', name: crash.step, error: crash.error } };
  const failed = checks.find((c) => c.status === 'fail');
  if (failed) return { verdict: 'fail', decidedBy: { kind: 'check', name: failed.name } };
  if (!checks.some((c) => c.status === 'pass')) {
    return { verdict: 'error', decidedBy: { kind: 'step', name: '(scenario)', error: 'the scenario made no checks' } };
  }
  return { verdict: 'pass', decidedBy: { kind: 'checks' } };
}
