import { mkdir, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stateRoot } from '../state-root.ts';

/** `<state root>/clusters`. */
export function clustersRoot(): string {
  return join(stateRoot(), 'clusters');
}

/** Where one embedded cluster keeps its certificates, data, logs and pods. */
export class ClusterPaths {
  readonly root: string;
  constructor(readonly name: string) {
    if (!/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/.test(name)) {
      throw new Error(`cluster name "${name}" must be lowercase letters, digits and dashes`);
    }
    this.root = join(clustersRoot(), name);
  }
  get info() { return join(this.root, 'cluster.json'); }
  get kubeconfig() { return join(this.root, 'kubeconfig'); }
  get pki() { return join(this.root, 'pki'); }
  get logs() { return join(this.root, 'logs'); }
  get etcdData() { return join(this.root, 'etcd'); }
  get pods() { return join(this.root, 'pods'); }
  get scrapeTargets() { return join(this.root, 'scrape-targets'); }
  log(component: string) { return join(this.logs, `${component}.log`); }
  /** Marker in the environment of every process this cluster starts. */
  get owner() { return this.root; }
}

/** What `up` records for `status`, `down`, clients and later runs. */
export interface ClusterInfo {
  readonly name: string;
  readonly apiServerUrl: string;
  readonly prometheusUrl: string;
  /** Prometheus scrapes every target listed in a `*.json` file here (file_sd format), e.g. the harness's load metrics. */
  readonly scrapeTargetsDir: string;
  /** The mesh's ingress gateway: send requests here with the Host a Gateway serves. */
  readonly gatewayUrl: string;
  readonly kubeconfig: string;
  /** First two octets of this cluster's pod addresses: pods get `${podNetwork}.<node>.<n>`. */
  readonly podNetwork: string;
  readonly nodes: readonly string[];
  readonly versions: Readonly<Record<string, string>>;
  readonly processes: Readonly<Record<string, number>>;
  readonly ports: Readonly<Record<string, number>>;
  /** The flags each add-on was last started with, so a scenario asking for others restarts it. */
  readonly addonFlags?: Readonly<Record<string, readonly string[]>>;
  /** The version each add-on, and Prometheus, was last started at, where `--component` asked for another than the pin. */
  readonly componentVersions?: Readonly<Record<string, string>>;
  /** The image map the node agent was started with (`--images`), and a digest of what it said then. */
  readonly images?: { readonly file: string; readonly digest: string };
  readonly startedAt: string;
  readonly stateDir: string;
}

export async function readClusterInfo(paths: ClusterPaths): Promise<ClusterInfo | undefined> {
  try {
    return JSON.parse(await readFile(paths.info, 'utf8')) as ClusterInfo;
  } catch {
    return undefined;
  }
}

export async function writeClusterInfo(paths: ClusterPaths, info: ClusterInfo): Promise<void> {
  await writeFile(paths.info, JSON.stringify(info, null, 2));
}

export async function createStateDir(paths: ClusterPaths): Promise<void> {
  for (const dir of [paths.root, paths.pki, paths.logs, paths.pods, paths.scrapeTargets]) await mkdir(dir, { recursive: true, mode: 0o700 });
}

/** Removes the cluster's state; `keepLogs` leaves logs/ for the error message that points there. */
export async function removeStateDir(paths: ClusterPaths, { keepLogs = false } = {}): Promise<void> {
  if (!keepLogs) return rm(paths.root, { recursive: true, force: true });
  for (const entry of await readdir(paths.root).catch(() => [])) {
    if (entry !== 'logs') await rm(join(paths.root, entry), { recursive: true, force: true });
  }
}

/** Names of clusters that have a state folder. */
export async function knownClusters(): Promise<string[]> {
  return readdir(clustersRoot()).catch(() => []);
}
