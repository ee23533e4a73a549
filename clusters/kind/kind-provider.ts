import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandRunner } from '../command-runner.ts';
import { poll } from '../poll.ts';
import type { Progress } from '../progress.ts';
import { versions } from '../components/index.ts';
import { IN_CLUSTER_PROMETHEUS, ProviderError, SCENARIO_LABEL, type Provider } from '../provider.ts';
import { kubectlLogs } from '../kubectl-logs.ts';
import { kubectlControllers } from '../reloader-control.ts';
import { stateRoot } from '../state-root.ts';
import { createKindCluster, deleteKindCluster, kindRecordFile, type KindPorts } from './kind-cluster.ts';

export interface KindProviderOptions {
  readonly name: string;
  /** Run on the cluster a previous run kept, reset by deleting its scenario namespaces; keep it after. */
  readonly reuse: boolean;
  readonly runner: CommandRunner;
  /** Whether Prometheus has scraped istiod and an Envoy yet; by default asks Prometheus itself. */
  readonly meshScraped?: (prometheusUrl: string) => Promise<boolean>;
}

/** istiod's build info and an Envoy's uptime: both only there once Prometheus scraped the mesh. */
const MESH_SCRAPED = 'count(istio_build) > 0 and count(envoy_server_uptime) > 0';
const MESH_SCRAPE_TIMEOUT_MS = 180_000;

async function waitForMeshScrape(prometheusUrl: string, meshScraped: (url: string) => Promise<boolean>, progress: Progress): Promise<void> {
  const task = progress.begin('wait for Prometheus to have scraped the mesh');
  try {
    await poll({ what: 'Prometheus to have scraped the mesh', probe: () => meshScraped(prometheusUrl), timeoutMs: MESH_SCRAPE_TIMEOUT_MS, intervalMs: 2000 });
  } catch {
    task.end('failed');
    throw new ProviderError(`Prometheus at ${prometheusUrl} has not scraped the mesh within ${MESH_SCRAPE_TIMEOUT_MS / 1000} s (query: ${MESH_SCRAPED})`);
  }
  task.end('done');
}

async function askPrometheus(prometheusUrl: string): Promise<boolean> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(MESH_SCRAPED)}`, { signal: AbortSignal.timeout(5000) });
  return res.ok && ((await res.json()) as { data: { result: unknown[] } }).data.result.length > 0;
}


/**
 * A kind cluster with real Istio (Envoy sidecars, injected in every scenario namespace), Istio's
 * Prometheus, Flagger and Reloader in-cluster: made for the run by {@link planKindCluster}'s plan
 * and deleted after it, or reused.
 */
export function kindProvider(o: KindProviderOptions): Provider {
  const kubectl = (...args: string[]) => ['kubectl', '--context', `kind-${o.name}`, ...args];
  const run = async (argv: readonly string[], what: string) => {
    const res = await o.runner.run(argv);
    if (res.exitCode !== 0) {
      const hint = res.exitCode === 127 ? `\n${argv[0]} is not installed; \`npm run testbed -- doctor\` lists what the kind provider needs` : '';
      throw new ProviderError(`${what}: \`${argv.join(' ')}\` exited ${res.exitCode}: ${(res.stderr || res.stdout).trim()}${hint}`);
    }
    return res.stdout;
  };
  return {
    name: 'kind',
    capabilities: ['kubernetes', 'flagger', 'reloader', 'vegeta'],
    async open(_needs, progress) {
      const existing = (await run(['kind', 'get', 'clusters'], 'list kind clusters')).split('\n').map((l) => l.trim());
      let ports: KindPorts;
      let created = false;
      if (existing.includes(o.name)) {
        if (!o.reuse) throw new ProviderError(`kind cluster "${o.name}" already exists; pass --reuse to run on it, or delete it with \`npm run cluster -- down --provider kind --name ${o.name}\``);
        ports = await readFile(kindRecordFile(o.name), 'utf8').then((t) => JSON.parse(t) as KindPorts, () => {
          throw new ProviderError(`kind cluster "${o.name}" was not made by this harness (no ${kindRecordFile(o.name)}); delete it or pick another --name`);
        });
        const reset = progress.begin('reset: delete the namespaces earlier scenarios left');
        await run(kubectl('delete', 'namespace', '-l', SCENARIO_LABEL, '--wait=true', '--timeout=120s'), 'delete earlier scenario namespaces');
        reset.end('done');
      } else {
        ports = await createKindCluster(o.name, o.runner, progress);
        created = true;
      }
      const prometheusUrl = `http://127.0.0.1:${ports.prometheusPort}`;
      const kubeconfig = join(stateRoot(), 'kind', `${o.name}.kubeconfig`);
      try {
        await waitForMeshScrape(prometheusUrl, o.meshScraped ?? askPrometheus, progress);
        await writeFile(kubeconfig, await run(['kind', 'get', 'kubeconfig', '--name', o.name], 'read the kind kubeconfig'), { mode: 0o600 });
      } catch (err) {
        // A cluster made for this run goes with it.
        if (created && !o.reuse) await deleteKindCluster(o.name, o.runner).catch(() => {});
        throw err;
      }
      return {
        connection: {
          provider: 'kind',
          kubeconfig,
          versions: { kubernetes: versions.kubernetes, istio: versions.istio, flagger: versions.flagger, reloader: versions.reloader },
          gatewayUrl: `http://127.0.0.1:${ports.gatewayPort}`,
          prometheusUrl,
          metricsServer: IN_CLUSTER_PROMETHEUS,
          processEnv: {},
          namespaceLabels: { 'istio-injection': 'enabled' },
        },
        controllers: kubectlControllers({ provider: 'kind', kubectl, runner: o.runner }),
        logs: kubectlLogs({ provider: 'kind', kubectl, runner: o.runner }),
        async close({ keep }) {
          if (keep || o.reuse || !created) return;
          await deleteKindCluster(o.name, o.runner);
          await rm(kubeconfig, { force: true });
        },
      };
    },
  };
}
