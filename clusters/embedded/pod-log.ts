import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ClusterPaths } from './cluster-state.ts';

/** No log of that pod or container on the cluster; the message says what there is instead. */
export class PodLogNotFoundError extends Error {
  override name = 'PodLogNotFoundError';
}

/**
 * The file the node agent writes a container's log to, `<pods>/<namespace>_<pod>_<uid>/logs/<container>.log`,
 * for the newest pod of that name on the named cluster; without `container`, the pod's only one.
 */
export async function findPodLog(cluster: string, target: { readonly namespace: string; readonly pod: string; readonly container?: string | undefined }): Promise<string> {
  const { namespace, pod, container } = target;
  const podsDir = new ClusterPaths(cluster).pods;
  const prefix = `${namespace}_${pod}_`;
  const candidates = (await readdir(podsDir).catch(() => [] as string[])).filter((d) => d.startsWith(prefix));
  if (!candidates.length) throw new PodLogNotFoundError(`no pod ${namespace}/${pod} has run on cluster "${cluster}" (looked in ${podsDir})`);
  // The same name may have run several times (a StatefulSet pod, say): take the newest.
  const dirs = await Promise.all(candidates.map(async (d) => ({ d, t: (await stat(join(podsDir, d))).mtimeMs })));
  const logsDir = join(podsDir, dirs.sort((a, b) => b.t - a.t)[0]!.d, 'logs');
  const containers = (await readdir(logsDir).catch(() => [] as string[])).map((f) => f.replace(/\.log$/, ''));
  const chosen = container ?? (containers.length === 1 ? containers[0] : undefined);
  if (!chosen || !containers.includes(chosen)) {
    const has = containers.length ? containers.join(', ') : 'none has started yet';
    throw new PodLogNotFoundError(`${container ? `no container "${container}" in` : 'choose a container of'} ${namespace}/${pod}: ${has} (in ${logsDir})`);
  }
  return join(logsDir, `${chosen}.log`);
}
