import type { KubeObject } from '../clusters/kube/index.ts';
import type { ControllerName } from '../clusters/provider.ts';
import type { LoadWindow, ScenarioContext } from '../harness/scenario.ts';

const APISERVER_DOWN_MS = 5000;

/** What an injected fault did that a check must not blame on the mechanism. */
export interface FaultEffect {
  readonly fault: string;
  /** Requests that failed between the injection and the environment's recovery. */
  readonly failures: number;
}

export const NO_FAULT: FaultEffect = { fault: 'none', failures: 0 };

interface Pod extends KubeObject {
  readonly status?: { readonly phase?: string; readonly containerStatuses?: ReadonlyArray<{ readonly ready: boolean; readonly restartCount: number }> };
}

export const podReady = (pod: Pod) => pod.status?.phase === 'Running' && (pod.status.containerStatuses ?? []).length > 0 && (pod.status.containerStatuses ?? []).every((c) => c.ready);
const restarts = (pod: Pod) => (pod.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);

export async function podsMatching(t: ScenarioContext<unknown>, selector: string): Promise<Pod[]> {
  const list = await t.kube.call<{ items: Pod[] }>('GET', `/api/v1/namespaces/${t.namespace}/pods?labelSelector=${encodeURIComponent(selector)}`);
  return list.items;
}

export interface Injection {
  readonly fault: string;
  /** The step's name on the timeline. */
  readonly step: string;
  /** What the fault must leave of the verdict, for the reader of the timeline. */
  readonly expected: string;
  /** Counts the requests that fail while the fault lasts, when the fault touches the data path. */
  readonly window?: LoadWindow | undefined;
  /** The checks those failed requests may legitimately move. */
  readonly mayMove?: readonly string[];
}

/** When: the fault, as a step of its own; its failed requests, when it has a window, are the fault's. */
export async function inject(t: ScenarioContext<unknown>, i: Injection, body: () => Promise<void>): Promise<FaultEffect> {
  return t.step(i.step, async () => {
    await body();
    const failures = i.window?.read().failures ?? 0;
    const moved = i.window ? `; ${failures} failed request${failures === 1 ? '' : 's'} during it, attributed to the fault, may legitimately move ${(i.mayMove ?? []).join(', ')}` : '';
    t.note(`fault ${i.fault} injected: ${i.expected}${moved}`);
    return { fault: i.fault, failures };
  });
}

/** SIGKILL to the containers of the first ready pod `selector` finds; resolves once the node has restarted it and it is ready again. */
export async function killPodAndAwaitRestart(t: ScenarioContext<unknown>, selector: string): Promise<string> {
  const victim = (await podsMatching(t, selector)).find(podReady);
  if (!victim) throw new Error(`no ready pod (${selector}) in ${t.namespace} to kill`);
  const name = victim.metadata.name!;
  const before = restarts(victim);
  const killed = await t.faults.killPod(t.namespace, name);
  t.note(`fault: SIGKILL to pod ${name} (${killed} process${killed === 1 ? '' : 'es'})`);
  await t.waitFor(`the node to restart pod ${name} and the pod to be ready again`, async () => {
    const pod = (await podsMatching(t, selector)).find((p) => p.metadata.name === name);
    return pod && restarts(pod) > before && podReady(pod);
  }, 60_000);
  return name;
}

/** Stops a controller, and starts it again with `flags` after `downMs`. */
export async function restartController(t: ScenarioContext<unknown>, name: ControllerName, flags: readonly string[], downMs: number, resumes: string): Promise<void> {
  await t.controllers.stop(name);
  t.note(`fault: ${name} stopped for ${downMs / 1000} s`);
  try {
    await new Promise((r) => setTimeout(r, downMs));
  } finally {
    await t.controllers.run(name, flags);
  }
  t.note(`fault: ${name} started again; ${resumes}`);
}

/** Stops kube-apiserver for 5 s, then starts it on the same port and data. */
export async function restartApiServer(t: ScenarioContext<unknown>): Promise<void> {
  const restart = await t.faults.stop('kube-apiserver');
  t.note(`fault: kube-apiserver stopped for ${APISERVER_DOWN_MS / 1000} s`);
  await new Promise((r) => setTimeout(r, APISERVER_DOWN_MS));
  await restart();
  t.note('fault: kube-apiserver started again on the same port and data');
}
