import { join } from 'node:path';
import { dump } from 'js-yaml';
import { runPlan, type CommandPlan } from '../command-plan.ts';
import type { CommandRunner } from '../command-runner.ts';
import { RELOADER_NAMESPACE, versions } from '../components/index.ts';
import type { KubeObject } from '../kube/index.ts';
import type { Progress } from '../progress.ts';
import { RELOADER_DEPLOYMENT } from '../reloader-control.ts';

export interface ReloaderInstallOptions {
  readonly kubeconfig: string;
  readonly context: string;
  /** Where the manifest is written; it stays, so the user can `kubectl delete -f` it. */
  readonly workDir: string;
  /** Reloader's Namespace, RBAC and Deployment, from the pinned module's manifests. */
  readonly reloader: readonly KubeObject[];
}

const MANIFEST = 'reloader.yaml';

/**
 * Reloader into a cluster that has none: `kubectl create` (which never changes an object someone
 * else made) of the pinned upstream manifests, in a namespace of its own, then a rollout wait. A
 * failure deletes what was created. Unlike Flagger's, nothing waits for Prometheus: the harness
 * reads Reloader's effects from the cluster, and upstream's Deployment is not annotated for scraping.
 */
export function reloaderInstallPlan(o: ReloaderInstallOptions): CommandPlan {
  const kubectl = (...args: string[]) => ['kubectl', '--kubeconfig', o.kubeconfig, '--context', o.context, ...args];
  const deployment = o.reloader.find((obj) => obj.kind === 'Deployment');
  if (deployment?.metadata.namespace !== RELOADER_NAMESPACE || deployment.metadata.name !== RELOADER_DEPLOYMENT) {
    // The controllers and the prerequisite check look for it there and nowhere else.
    throw new Error(`Reloader ${versions.reloader}'s manifests have no Deployment ${RELOADER_NAMESPACE}/${RELOADER_DEPLOYMENT}`);
  }
  const file = join(o.workDir, MANIFEST);
  return {
    title: `Reloader ${versions.reloader} install`,
    files: { [MANIFEST]: o.reloader.map((obj) => dump(obj)).join('---\n') },
    steps: [
      { name: `create Reloader ${versions.reloader}'s Namespace, RBAC and Deployment`, argv: kubectl('create', '-f', file), undo: kubectl('delete', '--ignore-not-found', '-f', file) },
      { name: `wait for ${RELOADER_NAMESPACE}/${RELOADER_DEPLOYMENT}`, argv: kubectl('-n', RELOADER_NAMESPACE, 'rollout', 'status', `deployment/${RELOADER_DEPLOYMENT}`, '--timeout=300s') },
    ],
  };
}

/** Installs Reloader by {@link reloaderInstallPlan}, undone when its rollout fails. */
export async function installReloader(o: ReloaderInstallOptions, runner: CommandRunner, progress: Progress): Promise<void> {
  await runPlan(reloaderInstallPlan(o), o.workDir, runner, progress);
}
