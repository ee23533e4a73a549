import type { ControllerName } from '../../clusters/provider.ts';
import type { ScenarioContext } from '../../harness/scenario.ts';
import type { AppNames, ConfigApp, ConfigState } from './config-app.ts';
import type { PodTemplate, RolloutObserver } from './rollout-observer.ts';

/** The ways a changed ConfigMap or Secret becomes a new pod template. */
export const MECHANISMS = ['reloader', 'reloader-annotations', 'kustomize', 'wave'] as const;
export type MechanismName = (typeof MECHANISMS)[number];

/** The hash a mechanism writes for the app's ConfigMap and for its Secret. */
export interface Hashes {
  readonly config?: string | undefined;
  readonly secret?: string | undefined;
}

/** One mechanism driving one copy of the app. */
export interface Mechanism {
  readonly name: MechanismName;
  /** Where the hash goes and how it is made, for the checks' reasons. */
  readonly writes: string;
  /** The controller that turns a change into a template, with the flags it runs with here; kustomize has none. */
  readonly controller?: { readonly name: ControllerName; readonly flags: readonly string[] };
  /** The template carries the hash from the start, not only after the first change. */
  readonly hashOnCreate: boolean;
  /** Given: the workload and its configs in state `s`. */
  deploy(s: ConfigState): Promise<void>;
  /** When: the configs become `s`, the way this mechanism's users make a change. */
  change(s: ConfigState): Promise<void>;
  /** The same change with the mechanism out of the loop: its controller stopped, or the ConfigMap edited in place. */
  bypass(s: ConfigState): Promise<void>;
  /** Sabotage: the harness, not the mechanism, writes `hash` where the mechanism would, for config `s`. */
  writeByHand(s: ConfigState, hash: string): Promise<void>;
  /** What the mechanism wrote into the live pod template. */
  written(template: PodTemplate): Hashes;
  /** The harness's own computation, from the data, of what the mechanism must write. */
  expected(s: ConfigState): { readonly config: string; readonly secret: string };
}

export interface MechanismContext {
  readonly t: ScenarioContext<unknown>;
  readonly app: ConfigApp;
  readonly observer: RolloutObserver;
  readonly unsafeRollout: boolean;
}

/** The mechanisms that run only the demo app, whose configs and references they know by name. */
export interface DemoContext extends MechanismContext {
  readonly names: AppNames;
}

/** An env var's value in any container of the template. */
export const envValue = (template: PodTemplate, name: string) => template.spec.containers.flatMap((c) => c.env ?? []).find((e) => e.name === name)?.value;

/** A partial Deployment, server-side applied by its own field manager: what a person editing the template by hand does. */
export async function patchTemplateByHand(t: ScenarioContext<unknown>, app: string, template: Record<string, unknown>): Promise<void> {
  const res = await t.kube.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: app, namespace: t.namespace }, spec: { template } }, { fieldManager: 'by-hand', force: true });
  if (res.status >= 300) throw new Error(`writing a hash by hand into Deployment ${app}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
}
