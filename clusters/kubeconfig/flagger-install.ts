import { runPlan, type CommandPlan } from '../command-plan.ts';
import type { CommandRunner } from '../command-runner.ts';
import { poll } from '../poll.ts';
import { versions } from '../components/index.ts';
import type { KubeObject } from '../kube/index.ts';
import type { Progress } from '../progress.ts';
import { ProviderError } from '../provider.ts';
import { addonInstallPlan } from './addon-install-plan.ts';
import type { ClusterProbe } from './prerequisites.ts';

export interface FlaggerInstallOptions {
  readonly kubeconfig: string;
  readonly context: string;
  /** Where the manifest is written; it stays, so the user can `kubectl delete -f` it. */
  readonly workDir: string;
  /** Flagger's CRDs, RBAC and Deployment as upstream's Istio overlay makes them. */
  readonly flagger: readonly KubeObject[];
}

/** Flagger's manifests without their Namespace, which is Istio's. */
export function flaggerInstallPlan(o: FlaggerInstallOptions): CommandPlan {
  const objects = o.flagger.filter((obj) => obj.kind !== 'Namespace');
  const deployment = objects.find((obj) => obj.kind === 'Deployment');
  if (!deployment) throw new Error(`Flagger ${versions.flagger}'s manifests have no Deployment`);
  return addonInstallPlan({
    ...o,
    addon: `Flagger ${versions.flagger}`,
    manifest: 'flagger.yaml',
    contents: 'CRDs, RBAC and Deployment',
    objects,
    deployment: { namespace: deployment.metadata.namespace!, name: deployment.metadata.name },
  });
}

/**
 * Installs Flagger, then waits until Prometheus has scraped it (`flagger_info`), for its metrics
 * are how the harness reads canary weights. If it never shows there, the install is undone.
 */
export async function installFlagger(
  o: FlaggerInstallOptions,
  probe: Pick<ClusterProbe, 'prometheus'>,
  runner: CommandRunner,
  progress: Progress,
  scrapeTimeoutMs = 120_000,
): Promise<void> {
  const plan = flaggerInstallPlan(o);
  await runPlan(plan, o.workDir, runner, progress);
  const task = progress.begin('wait for Prometheus to scrape Flagger (flagger_info)');
  const scraped = await poll({
    what: 'Prometheus to scrape Flagger',
    probe: async () => (await probe.prometheus('flagger_info')).length > 0,
    timeoutMs: scrapeTimeoutMs,
    intervalMs: 2000,
  }).catch(() => false);
  if (scraped) {
    task.end('done');
    return;
  }
  task.end('failed');
  const undo = plan.steps[0]!.undo!;
  const undone = await runner.run(undo);
  throw new ProviderError(
    `Flagger ${versions.flagger} is running, but Prometheus had no flagger_info after ${scrapeTimeoutMs / 1000} s: it does not scrape pods annotated prometheus.io/scrape (Istio's Prometheus addon does)\n  cleaned up: ${undo.join(' ')} (exit ${undone.exitCode})`,
  );
}
