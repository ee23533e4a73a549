import { join } from 'node:path';
import type { CommandPlan } from '../command-plan.ts';
import { manifestYaml, type KubeObject } from '../kube/index.ts';

export interface AddonInstallPlanOptions {
  readonly kubeconfig: string;
  readonly context: string;
  /** Where the manifest is written; it stays, so the user can `kubectl delete -f` it. */
  readonly workDir: string;
  /** `Flagger v1.44.0`, for titles and step names. */
  readonly addon: string;
  /** The manifest's file name in `workDir`. */
  readonly manifest: string;
  /** What the manifest creates, in step names: `CRDs, RBAC and Deployment`. */
  readonly contents: string;
  readonly objects: readonly KubeObject[];
  /** The Deployment whose rollout ends the install. */
  readonly deployment: { readonly namespace: string; readonly name: string };
}

/**
 * An add-on into a cluster that has none: `kubectl create` (which never changes an object someone
 * else made) of its pinned upstream manifests, then a rollout wait. A failure deletes what was created.
 */
export function addonInstallPlan(o: AddonInstallPlanOptions): CommandPlan {
  const kubectl = (...args: string[]) => ['kubectl', '--kubeconfig', o.kubeconfig, '--context', o.context, ...args];
  const file = join(o.workDir, o.manifest);
  const { namespace, name } = o.deployment;
  return {
    title: `${o.addon} install`,
    files: { [o.manifest]: manifestYaml(o.objects) },
    steps: [
      { name: `create ${o.addon}'s ${o.contents}`, argv: kubectl('create', '-f', file), undo: kubectl('delete', '--ignore-not-found', '-f', file) },
      { name: `wait for ${namespace}/${name}`, argv: kubectl('-n', namespace, 'rollout', 'status', `deployment/${name}`, '--timeout=300s') },
    ],
  };
}
