import type { KubeObject } from '../../clusters/kube/index.ts';
import type { ScenarioContext } from '../../harness/scenario.ts';
import { faultTunable } from '../../harness/tunables.ts';
import { APP } from './canary-app.ts';
import type { CanaryRun } from './canary-run.ts';
import { FLAGGER } from './flagger-events.ts';

export const CANARY_FAULTS = ['kill-canary-pod', 'restart-controller', 'restart-apiserver', 'stop-prometheus'] as const;

type CanaryFault = (typeof CANARY_FAULTS)[number];

const APISERVER_DOWN_MS = 5000;

/** What each fault must leave of the verdict, for the reader of the timeline. */
const EXPECTED: Readonly<Record<CanaryFault, string>> = {
  'kill-canary-pod': 'the node restarts the pod; the verdict must be the one without the fault',
  'restart-controller': "Flagger resumes the analysis from the Canary's status; the verdict must not change",
  'restart-apiserver': "every watch (the harness's and the controllers') reconnects; the verdict must not change",
  'stop-prometheus': 'Flagger finds no values; the verdict must be error, naming Prometheus',
};

export const canaryFaultTunable = faultTunable(
  "a fault at Flagger's first weight advance: SIGKILL a canary pod (the node restarts it), stop Flagger for one interval, stop kube-apiserver for 5 s, or stop Prometheus for the rest of the analysis",
  ...CANARY_FAULTS,
);

/** What an injected fault did that a check must not blame on the mechanism. */
export interface FaultEffect {
  readonly fault: string;
  /** Requests that failed between the injection and the environment's recovery. */
  readonly failures: number;
}

interface Pod extends KubeObject {
  readonly status?: { readonly phase?: string; readonly containerStatuses?: ReadonlyArray<{ readonly ready: boolean; readonly restartCount: number }> };
}

const ready = (pod: Pod) => pod.status?.phase === 'Running' && (pod.status.containerStatuses ?? []).every((c) => c.ready);
const restarts = (pod: Pod) => (pod.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);

async function canaryPods(t: ScenarioContext<unknown>): Promise<Pod[]> {
  // Flagger's primary pods carry app=<name>-primary; app=<name> selects the canary's.
  const list = await t.kube.call<{ items: Pod[] }>('GET', `/api/v1/namespaces/${t.namespace}/pods?labelSelector=${encodeURIComponent(`app=${APP}`)}`);
  return list.items;
}

/**
 * When: the fault, injected once Flagger first advances the weight (mid-analysis). `mayMove`
 * names the checks a killed pod's failed requests may legitimately move, which the timeline shows.
 */
export async function whenFault(t: ScenarioContext<unknown>, run: CanaryRun, fault: string, o: { readonly interval: number; readonly mayMove: readonly string[] }): Promise<FaultEffect> {
  if (fault === 'none') return { fault, failures: 0 };
  await t.waitFor("Flagger's first weight advance, to inject the fault at", async () => run.events.first(FLAGGER.advance), (4 * o.interval + 30) * 1000);
  const window = run.load?.window();
  return t.step(`when: fault ${fault}`, async () => {
    switch (fault) {
      case 'kill-canary-pod': {
        const victim = (await canaryPods(t)).find(ready);
        if (!victim) throw new Error(`no ready canary pod (app=${APP}) in ${t.namespace} to kill`);
        const name = victim.metadata.name!;
        const before = restarts(victim);
        const killed = await t.faults.killPod(t.namespace, name);
        t.note(`fault: SIGKILL to pod ${name} (${killed} process${killed === 1 ? '' : 'es'})`);
        await t.waitFor(`the node to restart pod ${name} and the pod to be ready again`, async () => {
          const pod = (await canaryPods(t)).find((p) => p.metadata.name === name);
          return pod && restarts(pod) > before && ready(pod);
        }, 60_000);
        break;
      }
      case 'restart-controller':
        await t.controllers.stop('flagger');
        t.note(`fault: Flagger stopped for one interval (${o.interval} s)`);
        try {
          await new Promise((r) => setTimeout(r, o.interval * 1000));
        } finally {
          await t.controllers.run('flagger', []);
        }
        t.note('fault: Flagger started again; it resumes the analysis from the Canary status');
        break;
      case 'restart-apiserver': {
        const restart = await t.faults.stop('kube-apiserver');
        t.note(`fault: kube-apiserver stopped for ${APISERVER_DOWN_MS / 1000} s`);
        await new Promise((r) => setTimeout(r, APISERVER_DOWN_MS));
        await restart();
        t.note('fault: kube-apiserver started again on the same port and data');
        break;
      }
      case 'stop-prometheus': {
        const restart = await t.faults.stop('prometheus');
        t.defer(restart);
        t.note('fault: Prometheus stopped for the rest of the analysis; it starts again when the attempt ends');
        break;
      }
      default:
        throw new Error(`canary scenarios know no fault "${fault}"; they take ${CANARY_FAULTS.join(', ')}`);
    }
    // Only a killed pod hurts requests; the other faults leave the data path alone.
    const failures = fault === 'kill-canary-pod' ? (window?.read().failures ?? 0) : 0;
    t.note(`fault ${fault} injected: ${EXPECTED[fault as CanaryFault]}${fault === 'kill-canary-pod' ? `; ${failures} failed request${failures === 1 ? '' : 's'} during it, attributed to the fault, may legitimately move ${o.mayMove.join(', ')}` : ''}`);
    return { fault, failures };
  });
}
