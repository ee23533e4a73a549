import { readFile } from 'node:fs/promises';
import { provisionBinaries } from '../components/index.ts';
import { environValue, findOwnedProcesses, isAlive, killNow, terminate } from '../process/index.ts';
import type { Faults } from '../provider.ts';
import { ClusterPaths, readClusterInfo, writeClusterInfo, type ClusterInfo } from './cluster-state.ts';
import { clusterApiServer, clusterPrometheus } from './embedded-cluster.ts';
import { controlPlaneFiles } from './control-plane-pki.ts';
import { partitionService } from './mesh/index.ts';

// A fault is abrupt: the API server's graceful drain of its watches would otherwise outlast the outage.
const STOP_GRACE_MS = 2000;

async function clusterInfo(paths: ClusterPaths): Promise<ClusterInfo> {
  const info = await readClusterInfo(paths);
  if (!info) throw new Error(`no cluster "${paths.name}" to inject a fault into (no ${paths.info})`);
  return info;
}

/** Faults in the embedded cluster's own processes: its pods' containers, its API server, its Prometheus and its mesh. */
export function embeddedFaults(name: string): Faults {
  const paths = new ClusterPaths(name);
  return {
    async killPod(namespace, pod) {
      // The node agent roots each container of a pod in `<pods>/<namespace>_<pod>_<uid>/`.
      const root = `${paths.pods}/${namespace}_${pod}_`;
      const pids = await findOwnedProcesses(paths.owner, (environ) => environValue(environ, 'CONTAINER_ROOT')?.startsWith(root) ?? false);
      if (!pids.length) throw new Error(`pod ${namespace}/${pod} runs no container process on cluster "${name}" (none rooted in ${root}…)`);
      for (const pid of pids) killNow(pid);
      return pids.length;
    },
    async stop(component) {
      const info = await clusterInfo(paths);
      const pid = info.processes[component];
      if (pid !== undefined && (await isAlive(pid))) await terminate(pid, STOP_GRACE_MS);
      return async () => {
        // At the version it ran at: `--component prometheus=` may have moved it from the pin.
        const { [component]: binary } = await provisionBinaries([component], { versions: info.componentVersions ?? {} });
        let restarted;
        if (component === 'prometheus') {
          restarted = clusterPrometheus(paths, binary!.path, info.ports);
          await restarted.start();
        } else {
          restarted = clusterApiServer(paths, binary!.path, info.ports);
          // /readyz needs no credentials (system:public-info-viewer).
          await restarted.start({ caPem: await readFile(controlPlaneFiles(paths.pki, []).caCert, 'utf8') });
        }
        const now = await clusterInfo(paths);
        await writeClusterInfo(paths, { ...now, processes: { ...now.processes, [component]: restarted.process.pid! } });
      };
    },
    async partition(namespace, service, seconds) {
      const info = await clusterInfo(paths);
      await partitionService(info.ports['mesh-metrics']!, { namespace, service, seconds });
    },
  };
}
