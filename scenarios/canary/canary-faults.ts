import type { Holds } from '../../harness/holds.ts';
import type { ScenarioContext } from '../../harness/scenario.ts';
import { faultTunable } from '../../harness/tunables.ts';
import { inject, killPodAndAwaitRestart, NO_FAULT, restartApiServer, restartController, type FaultEffect } from '../scenario-faults.ts';
import { APP, METRIC_WINDOW_SECONDS } from './canary-app.ts';
import type { CanaryRun } from './canary-run.ts';
import { FLAGGER } from './flagger-events.ts';

export const CANARY_FAULTS = ['kill-canary-pod', 'restart-controller', 'restart-apiserver', 'stop-prometheus'] as const;
/** bad-canary's alone: a partition gets any canary rolled back, which only bad-canary expects. */
const PARTITION = 'partition-gateway';

type CanaryFault = (typeof CANARY_FAULTS)[number] | typeof PARTITION;

/** A partition lasts two analysis intervals, long enough for Flagger to tick through it. */
const PARTITION_INTERVALS = 2;

const EXPECTED: Readonly<Record<CanaryFault, string>> = {
  'kill-canary-pod': 'the node restarts the pod; the verdict must be the one without the fault',
  'restart-controller': "Flagger resumes the analysis from the Canary's status; the verdict must not change",
  'restart-apiserver': "every watch (the harness's and the controllers') reconnects; the verdict must not change",
  'stop-prometheus': 'Flagger finds no values; the verdict must be error, naming Prometheus',
  'partition-gateway': 'the canary is rolled back',
};

const FAULTS_DESCRIPTION =
  "a fault at Flagger's first weight advance: SIGKILL a canary pod (the node restarts it), stop Flagger for one interval, stop kube-apiserver for 5 s, or stop Prometheus for the rest of the analysis";
export const canaryFaultTunable = faultTunable(FAULTS_DESCRIPTION, ...CANARY_FAULTS);
export const badCanaryFaultTunable = faultTunable(`${FAULTS_DESCRIPTION}; or the mesh stops forwarding to the canary for ${PARTITION_INTERVALS} intervals (503 UH)`, ...CANARY_FAULTS, PARTITION);

/** What it stops or restarts, held exclusively; each gate's queries hold Prometheus. */
const STOPS: Readonly<Partial<Record<CanaryFault, string>>> = { 'restart-controller': 'flagger', 'restart-apiserver': 'kube-apiserver', 'stop-prometheus': 'prometheus' };

/** What a canary attempt holds beyond its namespace: Prometheus for the gate, and what its fault stops. */
export function canaryHolds(fault = 'none'): Holds {
  const stops = STOPS[fault as CanaryFault];
  return { prometheus: 'shared', ...(stops ? { [stops]: 'exclusive' } : {}) };
}

/**
 * When: the fault, injected once Flagger first advances the weight (mid-analysis). `mayMove`
 * names the checks a killed pod's failed requests may legitimately move, which the timeline shows.
 */
export async function whenFault(t: ScenarioContext<unknown>, run: CanaryRun, fault: string, o: { readonly interval: number; readonly mayMove: readonly string[] }): Promise<FaultEffect> {
  if (fault === 'none') return NO_FAULT;
  const known: readonly string[] = [...CANARY_FAULTS, PARTITION];
  if (!known.includes(fault)) throw new Error(`canary scenarios know no fault "${fault}"; they take ${known.join(', ')}`);
  const f = fault as CanaryFault;
  await t.waitFor("Flagger's first weight advance, to inject the fault at", async () => run.events.first(FLAGGER.advance), (4 * o.interval + 30) * 1000);
  // Only a killed pod and a partition hurt requests; the other faults leave the data path alone.
  const window = f === 'kill-canary-pod' || f === PARTITION ? run.load?.window() : undefined;
  return inject(t, { fault, step: `when: fault ${fault}`, expected: EXPECTED[f], window, mayMove: o.mayMove }, async () => {
    switch (f) {
      case 'kill-canary-pod':
        // Flagger's primary pods carry app=<name>-primary; app=<name> selects the canary's.
        await killPodAndAwaitRestart(t, `app=${APP}`);
        return;
      case 'restart-controller':
        return restartController(t, 'flagger', [], o.interval * 1000, "it resumes the analysis from the Canary's status");
      case 'restart-apiserver':
        return restartApiServer(t);
      case 'stop-prometheus': {
        const restart = await t.faults.stop('prometheus');
        t.defer(restart);
        t.note('fault: Prometheus stopped for the rest of the analysis; it starts again when the attempt ends');
        return;
      }
      case PARTITION: {
        const seconds = PARTITION_INTERVALS * o.interval;
        const from = Date.now();
        // Flagger names the canary's Service <target>-canary.
        await t.faults.partition(t.namespace, `${APP}-canary`, seconds);
        // Until the metric window has slid past the partition (and a tick has read it), a "no values" halt is the partition's.
        const until = from + (seconds + METRIC_WINDOW_SECONDS + o.interval) * 1000;
        run.trafficGaps.push({ from, until });
        t.note(`fault: the mesh stops forwarding to Service ${APP}-canary for ${seconds} s (503, response flag UH); Flagger's "no values found" halts until ${new Date(until).toISOString()} are the partition's, and count as failed checks`);
        await new Promise((r) => setTimeout(r, seconds * 1000));
        t.note(`fault: the partition of ${APP}-canary healed`);
        return;
      }
    }
  });
}
