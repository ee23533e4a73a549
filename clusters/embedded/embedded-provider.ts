import { FAULTS_CAPABILITY, type Provider } from '../provider.ts';
import { OWNER_ENV } from '../process/index.ts';
import type { ComponentVersions } from '../components/index.ts';
import type { Progress } from '../progress.ts';
import { ADDONS, embeddedControllers, ensureAddons } from './addons.ts';
import type { ClusterInfo } from './cluster-state.ts';
import { embeddedFaults } from './embedded-faults.ts';
import { embeddedLogs } from './embedded-logs.ts';
import { clusterHealth, downCluster } from './embedded-cluster.ts';

export interface EmbeddedProviderOptions {
  readonly name: string;
  /** Starts the cluster when none is running; the CLI's version stops it cleanly on Ctrl-C. */
  readonly up: (options: { readonly name: string; readonly progress: Progress }) => Promise<ClusterInfo>;
  /** Add-ons to run at other versions than their pins. */
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
      const close = async ({ keep }: { readonly keep: boolean }) => {
        if (startedHere && !keep) await downCluster(o.name);
      };
      try {
        if (startedHere) await o.up({ name: o.name, progress });
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
