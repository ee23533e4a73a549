import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flaggerManifests, versions } from '../components/index.ts';
import type { CommandRunner } from '../command-runner.ts';
import { freePort } from '../process/index.ts';
import type { Progress } from '../progress.ts';
import { kindPlan, type KindPlan } from './kind-plan.ts';
import { describePlan, runPlan } from './run-plan.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The plan for cluster `name`, with the pinned versions and two free loopback ports. */
export async function planKindCluster(name: string, progress: Progress): Promise<{ plan: KindPlan; workDir: string }> {
  const workDir = join(tmpdir(), `testbed-kind-${name}`);
  const flagger = await flaggerManifests(progress, 'istio');
  const plan = kindPlan({
    name,
    kubernetesVersion: versions.kubernetes,
    istioVersion: versions.istio,
    gatewayPort: await freePort(),
    prometheusPort: await freePort(),
    workDir,
    repoRoot,
    flagger: [...flagger.crds, ...flagger.access],
  });
  return { plan, workDir };
}

/** `cluster up --provider kind`: prints the plan with --dry-run, else runs it (undoing it on failure). */
export async function upKindCluster(name: string, o: { readonly dryRun: boolean; readonly runner: CommandRunner; readonly progress: Progress }): Promise<string> {
  const { plan, workDir } = await planKindCluster(name, o.progress);
  if (o.dryRun) return describePlan(plan, workDir);
  await runPlan(plan, workDir, o.runner, o.progress);
  return `kind cluster "${name}" is ready; kubectl context kind-${name}`;
}
