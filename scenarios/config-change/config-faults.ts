import type { LoadWindow, ScenarioContext } from '../../harness/scenario.ts';
import { faultTunable } from '../../harness/tunables.ts';
import { inject, killPodAndAwaitRestart, NO_FAULT, podReady, podsMatching, restartApiServer, restartController, type FaultEffect } from '../scenario-faults.ts';
import type { Mechanism } from './mechanism.ts';
import type { Revision, RolloutObserver } from './rollout-observer.ts';

export const CONFIG_FAULTS = ['kill-pod', 'restart-controller', 'restart-apiserver'] as const;
export type ConfigFault = 'none' | (typeof CONFIG_FAULTS)[number];

/** Reloader has no analysis interval; this is how long it stays down, as long as the quiet window of (e) and (f). */
const CONTROLLER_DOWN_MS = 5000;

/** How much longer than `rolloutSeconds` the first change's rollout may take under a fault, and why. */
export const ROLLOUT_ALLOWANCE: Readonly<Partial<Record<ConfigFault, { readonly seconds: number; readonly why: string }>>> = {
  'restart-apiserver': {
    seconds: 60,
    why: "the outage itself, and then kube-controller-manager's informers, which retry with client-go's exponential backoff (to 30 s, jittered) before the Deployment controller sees the API server again",
  },
};

export const configFaultTunable = faultTunable(
  "a fault mid-rollout, once the first change's new ReplicaSet exists: SIGKILL a ready pod of it (the node restarts it), stop the controller for 5 s, or stop kube-apiserver for 5 s",
  ...CONFIG_FAULTS,
);

const EXPECTED: Readonly<Record<Exclude<ConfigFault, 'none'>, string>> = {
  'kill-pod': 'the node restarts the pod and the rollout completes; the verdict must be the one without the fault',
  'restart-controller': 'the controller sees every config as new on start; it must roll nothing more, so the verdict must not change',
  'restart-apiserver': "every watch (the controllers' and the node's) reconnects and the rollout completes; the verdict must not change",
};

export interface MidRollout {
  readonly t: ScenarioContext<unknown>;
  readonly m: Mechanism;
  readonly observer: RolloutObserver;
  /** The settled revision before the change: any later one is the change's rollout. */
  readonly baseline: Revision;
  /** How long the change's ReplicaSet may take to appear. */
  readonly rolloutSeconds: number;
  readonly window: () => LoadWindow;
  /** The check a killed pod's failed requests may move. */
  readonly mayMove: string;
}

/**
 * The fault, once the change has begun to roll out (its new ReplicaSet exists, and for kill-pod
 * has a ready pod); resolves when the environment has recovered. A change that rolls nothing
 * (a sabotage) gets no fault, and the timeline says so.
 */
export async function duringRollout(r: MidRollout, fault: ConfigFault): Promise<FaultEffect> {
  if (fault === 'none') return NO_FAULT;
  const { t, m, observer, baseline } = r;
  const step = `when: fault ${fault} (${m.name})`;
  if (fault === 'restart-controller' && !m.controller) {
    t.note(`${step}: not injected, ${m.name} has no controller of its own`);
    return NO_FAULT;
  }
  const rolling = await t
    .waitFor(
      fault === 'kill-pod' ? `a ready pod of the change's new ReplicaSet, to kill` : `the change's new ReplicaSet, to inject ${fault} mid-rollout`,
      async () => {
        const fresh = (await observer.revisions()).find((rs) => rs.revision > baseline.revision);
        if (!fresh || fault !== 'kill-pod') return fresh;
        return (await podsMatching(t, selectorOf(observer, fresh))).some(podReady) ? fresh : undefined;
      },
      r.rolloutSeconds * 1000,
    )
    .catch(() => undefined);
  if (!rolling) {
    t.note(`${step}: not injected, the change began no rollout within ${r.rolloutSeconds} s`);
    return NO_FAULT;
  }
  // Only a killed pod hurts requests; the other faults leave the data path alone.
  const window = fault === 'kill-pod' ? r.window() : undefined;
  return inject(t, { fault, step, expected: EXPECTED[fault], window, mayMove: [r.mayMove] }, async () => {
    switch (fault) {
      case 'kill-pod':
        await killPodAndAwaitRestart(t, selectorOf(observer, rolling));
        return;
      case 'restart-controller':
        return restartController(t, m.controller!.name, m.controller!.flags, CONTROLLER_DOWN_MS, 'it must compare hashes, not reload what it already reloaded');
      case 'restart-apiserver':
        return restartApiServer(t);
    }
  });
}

const selectorOf = (observer: RolloutObserver, rs: Revision) => `${observer.selector},pod-template-hash=${rs.templateHash}`;
