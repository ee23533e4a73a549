import type { FileGate, Pacing } from './canary-app.ts';

/** Tunables every canary scenario shares; each scenario picks its own defaults for the fault. */
export const analysisTunables = {
  interval: { type: 'number', default: 10, min: 10, max: 300, description: "seconds between Flagger's analysis ticks (Flagger's floor is 10)" },
  threshold: { type: 'number', default: 2, min: 1, max: 1000, description: 'failed checks before Flagger rolls back' },
  stepWeight: { type: 'number', default: 5, min: 1, max: 100, description: 'weight (%) added to the canary on each healthy tick' },
  maxWeight: { type: 'number', default: 20, min: 1, max: 100, description: 'canary weight (%) at which Flagger promotes' },
  rps: { type: 'number', default: 50, min: 1, max: 500, description: 'steady load through the gateway, requests/s' },
} as const;

/** The pacing the tunables set, where the user's Canary file does not set its own. */
export function pacingFrom(t: Pacing & { readonly canary?: FileGate | undefined }): Pacing {
  const own = t.canary?.pacing ?? {};
  return { interval: own.interval ?? t.interval, threshold: own.threshold ?? t.threshold, stepWeight: own.stepWeight ?? t.stepWeight, maxWeight: own.maxWeight ?? t.maxWeight };
}
