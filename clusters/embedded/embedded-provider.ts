import { FAULTS_CAPABILITY, ProviderError, type Provider } from '../provider.ts';
import { OWNER_ENV } from '../process/index.ts';
import { versions, type ComponentVersions } from '../components/index.ts';
import type { Progress } from '../progress.ts';
import { ADDONS, embeddedControllers, ensureAddons } from './addons.ts';
import type { ClusterInfo } from './cluster-state.ts';
import { embeddedFaults } from './embedded-faults.ts';
import { embeddedLogs } from './embedded-logs.ts';
import { clusterHealth, downCluster, ensurePrometheus } from './embedded-cluster.ts';
import { ImageMapError, readImageMap } from './node-agent/index.ts';

export interface EmbeddedProviderOptions {
  readonly name: string;
  /** Starts the cluster when none is running; the CLI's version stops it cleanly on Ctrl-C. */
  readonly up: (options: { readonly name: string; readonly progress: Progress; readonly imagesFile?: string; readonly components?: ComponentVersions }) => Promise<ClusterInfo>;
  /** The user's image map (`--images`): the node agent of a cluster started here reads it; a running one must have. */
  readonly imagesFile?: string;
  /** Kubernetes, Prometheus and add-ons to run at other versions than their pins. */
  readonly components?: ComponentVersions;
}

/** The embedded cluster: the running one of that name, or one started for this run and stopped after it. */
export function embeddedProvider(o: EmbeddedProviderOptions): Provider {
  return {
    name: 'embedded',
    capabilities: ['kubernetes', ...ADDONS, 'vegeta', FAULTS_CAPABILITY],
    async open(needs, progress) {
      const health = await clusterHealth(o.name);
      const startedHere = health.state !== 'running';
      if (health.state === 'running' && o.imagesFile !== undefined) await startedWith(health.info, o.imagesFile);
      if (health.state === 'running') runsKubernetes(health.info, o.components?.kubernetes ?? versions.kubernetes);
      const close = async ({ keep }: { readonly keep: boolean }) => {
        if (startedHere && !keep) await downCluster(o.name);
      };
      try {
        if (startedHere) await o.up({ name: o.name, progress, ...(o.imagesFile === undefined ? {} : { imagesFile: o.imagesFile }), ...(o.components ? { components: o.components } : {}) });
        await ensurePrometheus(o.name, o.components ?? {}, progress);
        // Wave is started by the scenario that asks for it, which reports when it cannot be had.
        const info = await ensureAddons(o.name, ADDONS.filter((a) => a !== 'wave' && needs.has(a)), progress, o.components);
        return {
          connection: {
            provider: 'embedded',
            kubeconfig: info.kubeconfig,
            versions: info.versions,
            gatewayUrl: info.gatewayUrl,
            prometheusUrl: info.prometheusUrl,
            // The embedded Flagger is a local process, told the same address (-metrics-server).
            metricsServer: info.prometheusUrl,
            scrapeTargetsDir: info.scrapeTargetsDir,
            processEnv: { [OWNER_ENV]: info.stateDir },
          },
          controllers: embeddedControllers(o.name, progress),
          faults: embeddedFaults(o.name),
          logs: embeddedLogs(o.name),
          close,
        };
      } catch (err) {
        await close({ keep: false });
        throw err;
      }
    },
  };
}

/** A node agent reads its image map once, at start: a running cluster serves a run's map only if it started with it. */
async function startedWith(info: ClusterInfo, imagesFile: string): Promise<void> {
  const wanted = await readImageMap(imagesFile);
  if (info.images?.file === wanted.file && info.images.digest === wanted.digest) return;
  const running = !info.images ? 'no image map' : info.images.file === wanted.file ? 'an earlier version of that file' : `the image map ${info.images.file}`;
  const named = info.name === 'default' ? '' : ` --name ${info.name}`;
  throw new ImageMapError(
    `--images ${imagesFile}: cluster "${info.name}" is running with ${running}, and its node agent reads the map only when it starts; ` +
      `stop it (npm run cluster -- down${named}) and run again, or start it with npm run cluster -- up${named} --images ${imagesFile}`,
  );
}

/** The control plane is the cluster: a running one serves a run only at the Kubernetes version it started at. */
function runsKubernetes(info: ClusterInfo, wanted: string): void {
  const running = info.componentVersions?.kubernetes ?? versions.kubernetes;
  if (running === wanted) return;
  const named = info.name === 'default' ? '' : ` --name ${info.name}`;
  const asked = wanted === versions.kubernetes ? `the pin ${wanted}` : `--component kubernetes=${wanted}`;
  throw new ProviderError(
    `${asked}: cluster "${info.name}" is running Kubernetes ${running}, and its control plane stays at the version it started at; ` +
      `stop it (npm run cluster -- down${named}) and run again, and the run starts its own cluster at ${wanted} (--keep keeps it), ` +
      `or start one at ${wanted} with npm run cluster -- up${named}${wanted === versions.kubernetes ? '' : ` --component kubernetes=${wanted}`}` +
      (running === versions.kubernetes ? '' : `; or run on it with --component kubernetes=${running}`),
  );
}
