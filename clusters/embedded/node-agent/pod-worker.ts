import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1Container, V1ContainerStatus, V1Pod, V1PodCondition, V1PodStatus } from '@kubernetes/client-node';
import { OWNER_ENV } from '../../process/index.ts';
import { ContainerConfigError } from './config-source.ts';
import { containerEnv, expand, serviceEnv } from './container-env.ts';
import { ContainerRunner, type RestartPolicy } from './container-runner.ts';
import type { ImageCommands } from './image-commands.ts';
import type { NodeApi } from './node-api.ts';
import type { PodIpPool } from './pod-ip-pool.ts';
import { PodVolumes } from './pod-volumes.ts';

export interface PodWorkerDeps {
  readonly api: NodeApi;
  readonly images: ImageCommands;
  readonly ipPool: PodIpPool;
  readonly podsDir: string;
  readonly hostIP: string;
  /** Services are reachable on their loopback address in this network; pods learn it from env. */
  readonly podNetwork: string;
  readonly owner: string;
  readonly syncPeriodMs: number;
  readonly log: (message: string) => void;
}

/** The folder of one pod: `<podsDir>/<namespace>_<name>_<uid>`, holding root/, volumes/ and logs/ (only logs/ once it is gone). */
export const podDirName = (pod: V1Pod) => `${pod.metadata!.namespace}_${pod.metadata!.name}_${pod.metadata!.uid}`;

class ImagePullError extends Error {}

/** Runs one pod bound to this node and reports its status, as kubelet's pod worker does. */
export class PodWorker {
  readonly podIP: string;
  readonly podDir: string;
  readonly #volumes: PodVolumes;
  readonly #runners = new Map<string, ContainerRunner>();
  #waiting = new Map<string, { reason: string; message: string }>();
  #initialized = false;
  #startTime = new Date();
  #syncTimer: NodeJS.Timeout | undefined;
  #statusQueued = false;
  /** The status the API server last accepted from us: as kubelet's status manager, we write only a change. */
  #statusSent: string | undefined;
  #statusChain: Promise<void> = Promise.resolve();
  #startChain: Promise<void> = Promise.resolve();
  #terminating: Promise<void> | undefined;
  #closed = false;

  constructor(
    private pod: V1Pod,
    private readonly deps: PodWorkerDeps,
  ) {
    this.podIP = deps.ipPool.allocate();
    this.podDir = join(deps.podsDir, podDirName(pod));
    this.#volumes = new PodVolumes(pod, this.podDir, deps.api, { podIP: this.podIP, hostIP: deps.hostIP });
  }

  get restartPolicy(): RestartPolicy {
    return (this.pod.spec?.restartPolicy as RestartPolicy | undefined) ?? 'Always';
  }

  /** A newer version of the pod from the watch. */
  update(pod: V1Pod): void {
    this.pod = pod;
    if (pod.metadata?.deletionTimestamp) void this.terminate();
  }

  async start(): Promise<void> {
    await mkdir(join(this.podDir, 'logs'), { recursive: true });
    await mkdir(join(this.podDir, 'root'), { recursive: true });
    this.#queueStatus();
    await this.#sync();
  }

  /** Starts what could not start yet and refreshes volumes; runs every sync period. */
  async #sync(): Promise<void> {
    if (this.#closed || this.#terminating) return;
    try {
      const changed = await this.#volumes.sync();
      if (changed.length && this.#initialized) this.deps.log(`${this.#key}: volumes refreshed: ${changed.join(', ')}`);
      await this.#startContainers();
    } catch (err) {
      this.deps.log(`${this.#key}: sync: ${(err as Error).message}`);
    }
    this.#queueStatus();
    if (!this.#closed && !this.#terminating) this.#syncTimer = setTimeout(() => void this.#sync(), this.deps.syncPeriodMs);
  }

  /** Runs init containers in order, then starts every app container not yet started; one pass at a time. */
  #startContainers(): Promise<void> {
    this.#startChain = this.#startChain.then(async () => {
      if (!this.#initialized) await this.#runInitContainers();
      if (!this.#initialized || this.#terminating) return;
      for (const container of this.pod.spec?.containers ?? []) {
        if (!this.#runners.has(container.name)) await this.#startContainer(container, this.restartPolicy);
      }
    });
    return this.#startChain;
  }

  get #key(): string {
    return `${this.pod.metadata?.namespace}/${this.pod.metadata?.name}`;
  }

  async #runInitContainers(): Promise<void> {
    for (const container of this.pod.spec?.initContainers ?? []) {
      let runner = this.#runners.get(container.name);
      if (!runner) {
        runner = await this.#startContainer(container, this.restartPolicy === 'Never' ? 'Never' : 'OnFailure');
        if (!runner) return;
      }
      const terminated = runner.state.terminated;
      if (!terminated || terminated.exitCode !== 0) return;
    }
    this.#initialized = true;
  }

  async #startContainer(container: V1Container, restartPolicy: RestartPolicy): Promise<ContainerRunner | undefined> {
    try {
      const image = this.deps.images.lookup(container.image ?? '');
      if (!image) {
        throw new ImagePullError(
          `image "${container.image}" has no command mapping on this node agent; map it in an image map given to \`scenario --images FILE\` or \`cluster up --images FILE\` (a running cluster keeps the map it started with)`,
        );
      }
      const services = serviceEnv(await this.deps.api.services(this.pod.metadata!.namespace!), this.deps.podNetwork);
      const env = { ...services, ...(await containerEnv(this.pod, container, this.deps.api, { podIP: this.podIP, hostIP: this.deps.hostIP })) };
      await this.#volumes.mount(container);
      const argv = [...(container.command ?? image.command), ...(container.args ?? image.args ?? [])].map((a) => expand(a, env));
      if (!argv.length) throw new ContainerConfigError(`container ${container.name}: no command (image map has none and the container sets none)`);
      const root = this.#volumes.root;
      const runner = new ContainerRunner({
        container,
        argv,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: root,
          HOSTNAME: this.pod.metadata!.name!,
          ...env,
          POD_IP: this.podIP,
          CONTAINER_ROOT: root,
          [OWNER_ENV]: this.deps.owner,
        },
        cwd: container.workingDir ? join(root, container.workingDir) : root,
        logFile: join(this.podDir, 'logs', `${container.name}.log`),
        podIP: this.podIP,
        restartPolicy,
        terminationGraceMs: (this.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000,
        onChange: () => this.#onContainerChange(),
        onEvent: (type, reason, message) => this.#event(type, reason, message, container.name),
      });
      await mkdir(runner.options.cwd, { recursive: true });
      // The pod may have been deleted while its config was read: a process started now would
      // outlive it on an address the pool hands to the next pod.
      if (this.#terminating) return undefined;
      this.#waiting.delete(container.name);
      this.#runners.set(container.name, runner);
      runner.start();
      return runner;
    } catch (err) {
      const reason = err instanceof ImagePullError ? 'ErrImagePull' : err instanceof ContainerConfigError ? 'CreateContainerConfigError' : 'CreateContainerError';
      const message = (err as Error).message;
      if (this.#waiting.get(container.name)?.message !== message) this.#event('Warning', 'Failed', `Error: ${message}`, container.name);
      this.#waiting.set(container.name, { reason, message });
      return undefined;
    }
  }

  #onContainerChange(): void {
    if (!this.#initialized && !this.#terminating) void this.#startContainers().catch((err) => this.deps.log(`${this.#key}: ${(err as Error).message}`));
    this.#queueStatus();
  }

  #event(type: 'Normal' | 'Warning', reason: string, message: string, container?: string): void {
    this.deps.api.recordEvent(this.pod, type, reason, message, container).catch(() => {});
  }

  #containerStatus(container: V1Container): V1ContainerStatus {
    const runner = this.#runners.get(container.name);
    const waiting = this.#waiting.get(container.name);
    return {
      name: container.name,
      image: container.image ?? '',
      imageID: `testbed://${container.image}`,
      ...(runner?.pid ? { containerID: `testbed://${this.pod.metadata!.uid}/${container.name}/${runner.restartCount}` } : {}),
      ready: runner?.ready ?? false,
      started: runner?.started ?? false,
      restartCount: runner?.restartCount ?? 0,
      state: runner?.state ?? { waiting: waiting ?? { reason: 'ContainerCreating' } },
      lastState: runner?.lastState ?? {},
    };
  }

  status(): V1PodStatus {
    const containers = this.pod.spec?.containers ?? [];
    const statuses = containers.map((c) => this.#containerStatus(c));
    const initStatuses = (this.pod.spec?.initContainers ?? []).map((c) => this.#containerStatus(c));
    const allReady = statuses.every((s) => s.ready);
    const terminated = statuses.map((s) => s.state?.terminated);
    const restarting = this.restartPolicy === 'Always' || terminated.some((t) => t && t.exitCode !== 0 && this.restartPolicy === 'OnFailure');
    let phase: V1PodStatus['phase'] = 'Pending';
    if (this.#initialized && statuses.some((s) => s.state?.running || s.lastState?.terminated || s.state?.terminated)) phase = 'Running';
    if (!restarting && terminated.every((t) => t)) phase = terminated.every((t) => t!.exitCode === 0) ? 'Succeeded' : 'Failed';
    const transitions = new Map((this.pod.status?.conditions ?? []).map((c) => [c.type, c]));
    const condition = (type: string, ok: boolean, reason?: string): V1PodCondition => {
      const status = ok ? 'True' : 'False';
      const previous = transitions.get(type);
      return {
        type,
        status,
        lastTransitionTime: previous?.status === status && previous.lastTransitionTime ? previous.lastTransitionTime : new Date(),
        ...(ok || !reason ? {} : { reason }),
      };
    };
    const scheduled = transitions.get('PodScheduled');
    return {
      phase,
      hostIP: this.deps.hostIP,
      hostIPs: [{ ip: this.deps.hostIP }],
      podIP: this.podIP,
      podIPs: [{ ip: this.podIP }],
      startTime: this.#startTime,
      conditions: [
        condition('PodReadyToStartContainers', true),
        condition('Initialized', this.#initialized, 'ContainersNotInitialized'),
        condition('Ready', this.#initialized && allReady && phase === 'Running', 'ContainersNotReady'),
        condition('ContainersReady', this.#initialized && allReady, 'ContainersNotReady'),
        ...(scheduled ? [scheduled] : []),
      ],
      containerStatuses: statuses,
      ...(initStatuses.length ? { initContainerStatuses: initStatuses } : {}),
    };
  }

  /** Coalesces status changes into one merge patch at a time. */
  #queueStatus(): void {
    if (this.#statusQueued || this.#closed) return;
    this.#statusQueued = true;
    this.#statusChain = this.#statusChain.then(async () => {
      await new Promise((r) => setTimeout(r, 50));
      this.#statusQueued = false;
      if (this.#closed) return;
      const status = this.status();
      const text = JSON.stringify(status);
      if (text === this.#statusSent) return;
      await this.deps.api.patchPodStatus(this.pod, status).then(
        () => void (this.#statusSent = text),
        (err) => {
          if ((err as { code?: number }).code !== 404) this.deps.log(`${this.#key}: status update failed: ${(err as Error).message}`);
        },
      );
    });
  }

  /**
   * Graceful termination: SIGTERM to every container, SIGKILL after the grace period, then the
   * final delete with grace 0. `graceMs` overrides the pod's period (the agent's own shutdown).
   */
  terminate(graceMs?: number, deleteFromApi = true): Promise<void> {
    this.#terminating ??= (async () => {
      clearTimeout(this.#syncTimer);
      const grace = graceMs ?? (this.pod.metadata?.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
      // A start under way sees #terminating once this awaits, and starts nothing; the runners it did start are stopped below.
      await this.#startChain.catch(() => {});
      await Promise.all([...this.#runners.values()].map((r) => r.stop(grace)));
      await this.#statusChain;
      if (deleteFromApi) {
        await this.deps.api.patchPodStatus(this.pod, this.status()).catch(() => {});
        await this.deps.api.deletePod(this.pod).catch((err) => this.deps.log(`${this.#key}: final delete failed: ${(err as Error).message}`));
      }
      this.#closed = true;
      // Logs stay, for `testbed logs` and a failed attempt's diagnostics.
      await this.#volumes.teardown().catch((err) => this.deps.log(`${this.#key}: volumes not removed: ${(err as Error).message}`));
      this.deps.ipPool.release(this.podIP);
    })();
    return this.#terminating;
  }
}
