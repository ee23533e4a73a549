import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { CommandRunner } from '../command-runner.ts';
import { flaggerManifests, reloaderManifests } from '../components/index.ts';
import { KubeClient } from '../kube/index.ts';
import { IN_CLUSTER_PROMETHEUS, ProviderError, type Provider } from '../provider.ts';
import { kubectlLogs } from '../kubectl-logs.ts';
import { kubectlControllers } from '../reloader-control.ts';
import { stateRoot } from '../state-root.ts';
import { installFlagger } from './flagger-install.ts';
import { installReloader } from './reloader-install.ts';
import { NotPrometheusError, checkPrerequisites, type ClusterProbe } from './prerequisites.ts';

export interface KubeconfigProviderOptions {
  readonly kubeconfig: string;
  /** A context of that kubeconfig; its current context when absent. */
  readonly context?: string;
  readonly prometheusUrl: string;
  readonly gatewayUrl: string;
  /** Install the add-ons a scenario needs when the cluster has none of them (Flagger, Reloader), through `runner`. */
  readonly installAddons: boolean;
  readonly runner: CommandRunner;
}

function probeFor(kube: KubeClient, prometheusUrl: string): ClusterProbe {
  return {
    serverVersion: async () => (await kube.call<{ gitVersion: string }>('GET', '/version')).gitVersion,
    hasCrd: async (name) => (await kube.request('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`)).status === 200,
    deploymentImages: async (namespace, name) => {
      const res = await kube.request<{ spec: { template: { spec: { containers: Array<{ image: string }> } } } }>('GET', `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`);
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw new Error(`reading Deployment ${namespace}/${name} answered HTTP ${res.status}`);
      return res.body.spec.template.spec.containers.map((c) => c.image);
    },
    prometheus: async (query) => {
      const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`, { signal: AbortSignal.timeout(5000) });
      const body = await res.text();
      let result: unknown;
      try {
        result = (JSON.parse(body) as { data?: { result?: unknown } }).data?.result;
      } catch {
        /* not JSON: told below */
      }
      if (!res.ok || !Array.isArray(result)) {
        throw new NotPrometheusError(`GET /api/v1/query answered HTTP ${res.status} ${JSON.stringify(body.slice(0, 80))}, not a Prometheus query result`);
      }
      return (result as Array<{ metric: Record<string, string> }>).map((r) => r.metric);
    },
    answers: (url) =>
      new Promise((resolve) => {
        const req = request(url, { timeout: 5000 }, (res) => {
          res.resume();
          resolve(true);
        });
        req.on('timeout', () => req.destroy());
        req.on('error', () => resolve(false));
        req.end();
      }),
  };
}

/**
 * An existing cluster (EKS, GKE, AKS, a shared staging cluster), with Istio, Prometheus and the
 * add-ons installed, or Flagger and Reloader installable with `--install-addons` where absent
 * altogether (they then stay; their manifests are kept under the state root for `kubectl delete -f`). It checks
 * everything before any scenario runs, and the engine deletes only the namespaces it created.
 */
export function kubeconfigProvider(o: KubeconfigProviderOptions): Provider {
  return {
    name: 'kubeconfig',
    capabilities: ['kubernetes', 'flagger', 'reloader', 'vegeta'],
    async open(needs, progress) {
      const kc = new KubeConfig();
      kc.loadFromFile(o.kubeconfig);
      if (o.context) {
        if (!kc.getContexts().some((c) => c.name === o.context)) {
          throw new ProviderError(`kubeconfig ${o.kubeconfig} has no context "${o.context}"; it has ${kc.getContexts().map((c) => c.name).join(', ') || 'none'}`);
        }
        kc.setCurrentContext(o.context);
      }
      const kube = await KubeClient.fromKubeConfig(kc);
      const probe = probeFor(kube, o.prometheusUrl);
      const context = kc.getCurrentContext();
      const check = async () => {
        const task = progress.begin(`check the prerequisites of context ${context}`);
        const checked = await checkPrerequisites(probe, o, needs);
        const missing = checked.results.filter((r) => !r.ok);
        task.end(missing.length ? 'failed' : 'done', checked.results.map((r) => `${r.name}: ${r.detail}`).join('; '));
        return { checked, missing };
      };
      let checked;
      try {
        let found = await check();
        const installable = new Set(found.missing.flatMap((r) => (r.installable ? [r.installable] : [])));
        // Only onto a cluster that lacks nothing else: an install never papers over a missing Istio or Prometheus.
        if (o.installAddons && installable.size && found.missing.every((r) => r.installable)) {
          const workDir = join(stateRoot(), 'kubeconfig', context);
          if (installable.has('flagger')) {
            const { crds, access } = await flaggerManifests(progress, 'istio');
            await installFlagger({ kubeconfig: o.kubeconfig, context, workDir, flagger: [...crds, ...access] }, probe, o.runner, progress);
          }
          if (installable.has('reloader')) {
            const { access, deployment } = await reloaderManifests(progress);
            await installReloader({ kubeconfig: o.kubeconfig, context, workDir, reloader: [...access, deployment] }, o.runner, progress);
          }
          found = await check();
        }
        checked = found.checked;
        if (found.missing.length) {
          throw new ProviderError(`context ${context} is not ready for these scenarios:\n${found.missing.map((r) => `  - ${r.name}: ${r.detail}`).join('\n')}`);
        }
      } finally {
        kube.close();
      }
      // Tools such as kubectl get the one context, whatever the file's current context is.
      const dir = await mkdtemp(join(tmpdir(), 'testbed-kubeconfig-'));
      const kubeconfig = join(dir, 'kubeconfig');
      await writeFile(kubeconfig, kc.exportConfig(), { mode: 0o600 });
      const kubectl = { provider: 'kubeconfig', kubectl: (...args: string[]) => ['kubectl', '--kubeconfig', o.kubeconfig, '--context', context, ...args], runner: o.runner };
      return {
        connection: { provider: 'kubeconfig', kubeconfig, versions: checked.versions, gatewayUrl: o.gatewayUrl, prometheusUrl: o.prometheusUrl, metricsServer: IN_CLUSTER_PROMETHEUS, processEnv: {} },
        controllers: kubectlControllers(kubectl),
        logs: kubectlLogs(kubectl),
        close: () => rm(dir, { recursive: true, force: true }),
      };
    },
  };
}
