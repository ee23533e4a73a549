import { arch, hostname } from 'node:os';
import { KubeConfig, ListWatch, Watch, CoreV1Api, type V1NodeStatus, type V1Pod } from '@kubernetes/client-node';
import type { ImageCommands } from './image-commands.ts';
import { NodeApi } from './node-api.ts';
import { PodIpPool } from './pod-ip-pool.ts';
import { PodWorker } from './pod-worker.ts';

export interface NodeRuntimeOptions {
  readonly name: string;
  /** 1-based; the third octet of this node's pod addresses. */
  readonly index: number;
  readonly kubeconfig: string;
  readonly podNetwork: string;
  readonly podsDir: string;
  readonly images: ImageCommands;
  readonly kubernetesVersion: string;
  readonly owner: string;
  readonly syncPeriodMs: number;
  readonly log: (message: string) => void;
}

const LEASE_SECONDS = 40;
const LEASE_RENEW_MS = 10_000;
const STATUS_REPORT_MS = 60_000;
const HOST_IP = '127.0.0.1';

/** One Node: registration, Lease heartbeat, and a worker per pod bound to it. */
export class NodeRuntime {
  readonly api: NodeApi;
  readonly #workers = new Map<string, PodWorker>();
  readonly #ipPool: PodIpPool;
  #informer: ListWatch<V1Pod> | undefined;
  #timers: NodeJS.Timeout[] = [];

  constructor(readonly options: NodeRuntimeOptions) {
    const kc = new KubeConfig();
    kc.loadFromFile(options.kubeconfig);
    this.api = new NodeApi(kc, options.name);
    this.#ipPool = new PodIpPool(options.podNetwork, options.index);
  }

  nodeStatus(): V1NodeStatus {
    const now = new Date();
    const condition = (type: string, status: string, reason: string, message: string) => ({
      type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now,
    });
    const resources = { cpu: '2', memory: '24Gi', pods: '250', 'ephemeral-storage': '50Gi' };
    return {
      capacity: resources,
      allocatable: resources,
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'node agent has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'node agent has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'node agent has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'delivery-testbed node agent is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: HOST_IP },
        { type: 'Hostname', address: this.options.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
      nodeInfo: {
        machineID: this.options.name,
        systemUUID: this.options.name,
        bootID: `${hostname()}-${process.pid}`,
        kernelVersion: process.version,
        osImage: 'delivery-testbed node agent (pods are local processes)',
        containerRuntimeVersion: 'testbed://0.1.0',
        kubeletVersion: this.options.kubernetesVersion,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: arch() === 'x64' ? 'amd64' : arch(),
      },
    };
  }

  async start(): Promise<void> {
    const { name } = this.options;
    await this.api.registerNode({
      metadata: {
        name,
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': arch() === 'x64' ? 'amd64' : arch(),
          'node.kubernetes.io/instance-type': 'delivery-testbed',
        },
      },
      spec: {},
      status: this.nodeStatus(),
    });
    await this.api.renewLease(LEASE_SECONDS);
    this.#timers.push(
      setInterval(() => this.api.renewLease(LEASE_SECONDS).catch((e) => this.options.log(`lease: ${(e as Error).message}`)), LEASE_RENEW_MS),
      setInterval(() => this.api.patchNodeStatus(this.nodeStatus()).catch((e) => this.options.log(`node status: ${(e as Error).message}`)), STATUS_REPORT_MS),
    );
    const fieldSelector = `spec.nodeName=${name}`;
    const core = this.api.kubeconfig.makeApiClient(CoreV1Api);
    this.#informer = new ListWatch<V1Pod>(
      '/api/v1/pods',
      new Watch(this.api.kubeconfig),
      () => core.listPodForAllNamespaces({ fieldSelector }),
      false,
      undefined,
      fieldSelector,
    );
    this.#informer.on('add', (pod) => this.#onPod(pod));
    this.#informer.on('update', (pod) => this.#onPod(pod));
    this.#informer.on('delete', (pod) => this.#onDeleted(pod));
    this.#informer.on('error', (err) => {
      this.options.log(`pod watch: ${(err as Error)?.message ?? err}; restarting in 1 s`);
      setTimeout(() => void this.#informer?.start(), 1000);
    });
    await this.#informer.start();
  }

  #onPod(pod: V1Pod): void {
    const uid = pod.metadata!.uid!;
    const existing = this.#workers.get(uid);
    if (existing) return existing.update(pod);
    const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    if (finished) return;
    const worker = new PodWorker(pod, {
      api: this.api,
      images: this.options.images,
      ipPool: this.#ipPool,
      podsDir: this.options.podsDir,
      hostIP: HOST_IP,
      podNetwork: this.options.podNetwork,
      owner: this.options.owner,
      syncPeriodMs: this.options.syncPeriodMs,
      log: this.options.log,
    });
    this.#workers.set(uid, worker);
    void worker.start().catch((err) => this.options.log(`${pod.metadata?.namespace}/${pod.metadata?.name}: ${(err as Error).message}`));
    if (pod.metadata?.deletionTimestamp) worker.update(pod);
  }

  #onDeleted(pod: V1Pod): void {
    const uid = pod.metadata!.uid!;
    const worker = this.#workers.get(uid);
    if (!worker) return;
    void worker.terminate(2000, false).finally(() => this.#workers.delete(uid));
  }

  /** Stops every pod process (grace capped by `graceMs`) without touching the API objects. */
  async stop(graceMs: number): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    await this.#informer?.stop();
    await Promise.all([...this.#workers.values()].map((w) => w.terminate(graceMs, false)));
  }
}
