import { runPlan, type CommandPlan } from '../command-plan.ts';
import type { CommandRunner } from '../command-runner.ts';
import { RELOADER_NAMESPACE, versions } from '../components/index.ts';
import type { KubeObject } from '../kube/index.ts';
import type { Progress } from '../progress.ts';
import { RELOADER_DEPLOYMENT } from '../reloader-control.ts';
import { addonInstallPlan } from './addon-install-plan.ts';

export interface ReloaderInstallOptions {
  readonly kubeconfig: string;
  readonly context: string;
  /** Where the manifest is written; it stays, so the user can `kubectl delete -f` it. */
  readonly workDir: string;
  /** Reloader's Namespace, RBAC and Deployment, from the pinned module's manifests. */
  readonly reloader: readonly KubeObject[];
}

/**
 * Reloader's manifests, in a namespace of their own. Unlike Flagger's install, nothing waits for
 * Prometheus: the harness reads Reloader's effects from the cluster, and upstream's Deployment is
 * not annotated for scraping.
 */
export function reloaderInstallPlan(o: ReloaderInstallOptions): CommandPlan {
  const deployment = o.reloader.find((obj) => obj.kind === 'Deployment');
  if (deployment?.metadata.namespace !== RELOADER_NAMESPACE || deployment.metadata.name !== RELOADER_DEPLOYMENT) {
    // The controllers and the prerequisite check look for it there and nowhere else.
    throw new Error(`Reloader ${versions.reloader}'s manifests have no Deployment ${RELOADER_NAMESPACE}/${RELOADER_DEPLOYMENT}`);
  }
  return addonInstallPlan({
    ...o,
    addon: `Reloader ${versions.reloader}`,
    manifest: 'reloader.yaml',
    contents: 'Namespace, RBAC and Deployment',
    objects: o.reloader,
    deployment: { namespace: RELOADER_NAMESPACE, name: RELOADER_DEPLOYMENT },
  });
}

/** Installs Reloader by {@link reloaderInstallPlan}, undone when its rollout fails. */
export async function installReloader(o: ReloaderInstallOptions, runner: CommandRunner, progress: Progress): Promise<void> {
  await runPlan(reloaderInstallPlan(o), o.workDir, runner, progress);
}
