import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flaggerManifests, reloaderManifests, versions } from '../components/index.ts';
import type { CommandRunner } from '../command-runner.ts';
import { freePort } from '../process/index.ts';
import type { Progress } from '../progress.ts';
import { describePlan, runPlan, type CommandPlan } from '../command-plan.ts';
import { kindPlan } from './kind-plan.ts';
import { ProviderError } from '../provider.ts';
import { stateRoot } from '../state-root.ts';
import { mkdir, rm, writeFile } from 'node:fs/promises';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The host ports (127.0.0.1) a kind cluster's ingress gateway and Prometheus are mapped to. */
export interface KindPorts {
  readonly gatewayPort: number;
  readonly prometheusPort: number;
}

/** The plan for cluster `name`, with the pinned versions and two free loopback ports. */
export async function planKindCluster(name: string, progress: Progress): Promise<{ plan: CommandPlan; workDir: string; ports: KindPorts }> {
  const workDir = join(tmpdir(), `testbed-kind-${name}`);
  const flagger = await flaggerManifests(progress, 'istio');
  const reloader = await reloaderManifests(progress);
  const ports = { gatewayPort: await freePort(), prometheusPort: await freePort() };
  const plan = kindPlan({
    name,
    kubernetesVersion: versions.kubernetes,
    istioVersion: versions.istio,
    ...ports,
    workDir,
    repoRoot,
    flagger: [...flagger.crds, ...flagger.access],
    reloader: [...reloader.access, reloader.deployment],
  });
  return { plan, workDir, ports };
}

/** What a run records of the kind cluster it made, so later runs (`--reuse`) find its ports. */
export const kindRecordFile = (name: string) => join(stateRoot(), 'kind', `${name}.json`);

/** Makes kind cluster `name` by its plan (undone on failure) and records its ports. */
export async function createKindCluster(name: string, runner: CommandRunner, progress: Progress): Promise<KindPorts> {
  const { plan, workDir, ports } = await planKindCluster(name, progress);
  await runPlan(plan, workDir, runner, progress);
  await mkdir(join(stateRoot(), 'kind'), { recursive: true });
  await writeFile(kindRecordFile(name), JSON.stringify(ports));
  return ports;
}

/** `cluster up --provider kind`: prints the plan with --dry-run, else makes the cluster. */
export async function upKindCluster(name: string, o: { readonly dryRun: boolean; readonly runner: CommandRunner; readonly progress: Progress }): Promise<string> {
  if (o.dryRun) {
    const { plan, workDir } = await planKindCluster(name, o.progress);
    return describePlan(plan, workDir);
  }
  const ports = await createKindCluster(name, o.runner, o.progress);
  return `kind cluster "${name}" is ready: kubectl context kind-${name}, ingress gateway http://127.0.0.1:${ports.gatewayPort}, Prometheus http://127.0.0.1:${ports.prometheusPort}`;
}

/** `cluster down --provider kind`, and the end of a run that made its cluster. */
export async function deleteKindCluster(name: string, runner: CommandRunner): Promise<void> {
  const res = await runner.run(['kind', 'delete', 'cluster', '--name', name]);
  if (res.exitCode !== 0) throw new ProviderError(`\`kind delete cluster --name ${name}\` exited ${res.exitCode}: ${res.stderr.trim()}`);
  await rm(kindRecordFile(name), { force: true });
}
