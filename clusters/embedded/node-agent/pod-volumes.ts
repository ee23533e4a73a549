import { cp, mkdir, rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { V1Container, V1KeyToPath, V1Pod, V1Volume } from '@kubernetes/client-node';
import { AtomicWriter, type Payload } from './atomic-writer.ts';
import {
  ContainerConfigError,
  configMapValues,
  podField,
  requireConfigMap,
  requireSecret,
  secretValues,
  type ConfigSource,
} from './config-source.ts';

type Files = Map<string, { data: Buffer; mode: number }>;

function addKeys(files: Files, values: Record<string, Buffer>, items: readonly V1KeyToPath[] | undefined, mode: number, what: string): void {
  if (!items?.length) {
    for (const [key, data] of Object.entries(values)) files.set(key, { data, mode });
    return;
  }
  for (const item of items) {
    const data = values[item.key];
    if (!data) throw new ContainerConfigError(`${what}: no key ${item.key}`);
    files.set(item.path, { data, mode: item.mode ?? mode });
  }
}

/**
 * A pod's volumes as folders under `<podDir>/volumes`, with each container's mount paths
 * resolved under `<podDir>/root` (the container has no mount namespace; it finds its files
 * through $CONTAINER_ROOT). ConfigMap, Secret, projected and downward-API volumes are rewritten
 * atomically when their sources change, as kubelet's are.
 */
export class PodVolumes {
  readonly #writers = new Map<string, AtomicWriter>();
  #token: string | undefined;

  constructor(
    private readonly pod: V1Pod,
    readonly podDir: string,
    private readonly source: ConfigSource,
    private readonly addresses: { podIP: string; hostIP: string },
  ) {}

  get root(): string {
    return join(this.podDir, 'root');
  }

  volumeDir(name: string): string {
    return join(this.podDir, 'volumes', name);
  }

  async #payload(volume: V1Volume): Promise<Payload | undefined> {
    const namespace = this.pod.metadata?.namespace ?? 'default';
    const files: Files = new Map();
    if (volume.configMap) {
      const { name, items, defaultMode, optional } = volume.configMap;
      addKeys(files, configMapValues(await requireConfigMap(this.source, namespace, name!, optional)), items, defaultMode ?? 0o644, `configmap ${name}`);
    } else if (volume.secret) {
      const { secretName, items, defaultMode, optional } = volume.secret;
      addKeys(files, secretValues(await requireSecret(this.source, namespace, secretName!, optional)), items, defaultMode ?? 0o644, `secret ${secretName}`);
    } else if (volume.downwardAPI) {
      for (const item of volume.downwardAPI.items ?? []) {
        if (!item.fieldRef) throw new ContainerConfigError(`downwardAPI ${item.path}: only fieldRef is supported`);
        const value = podField(this.pod, item.fieldRef.fieldPath, this.addresses.podIP, this.addresses.hostIP);
        files.set(item.path, { data: Buffer.from(value), mode: item.mode ?? volume.downwardAPI.defaultMode ?? 0o644 });
      }
    } else if (volume.projected) {
      const mode = volume.projected.defaultMode ?? 0o644;
      for (const src of volume.projected.sources ?? []) {
        if (src.configMap) addKeys(files, configMapValues(await requireConfigMap(this.source, namespace, src.configMap.name!, src.configMap.optional)), src.configMap.items, mode, `configmap ${src.configMap.name}`);
        if (src.secret) addKeys(files, secretValues(await requireSecret(this.source, namespace, src.secret.name!, src.secret.optional)), src.secret.items, mode, `secret ${src.secret.name}`);
        for (const item of src.downwardAPI?.items ?? []) {
          if (!item.fieldRef) throw new ContainerConfigError(`downwardAPI ${item.path}: only fieldRef is supported`);
          files.set(item.path, { data: Buffer.from(podField(this.pod, item.fieldRef.fieldPath, this.addresses.podIP, this.addresses.hostIP)), mode: item.mode ?? mode });
        }
        if (src.serviceAccountToken) {
          const { audience, expirationSeconds, path } = src.serviceAccountToken;
          this.#token ??= await this.source.serviceAccountToken(this.pod, audience, expirationSeconds ?? 3607);
          files.set(path, { data: Buffer.from(this.#token), mode: 0o600 });
        }
      }
    } else if (volume.emptyDir) {
      return undefined;
    } else {
      const kind = Object.keys(volume).find((k) => k !== 'name') ?? 'unknown';
      throw new ContainerConfigError(`volume ${volume.name}: type ${kind} is not supported by the node agent`);
    }
    return files;
  }

  /** Writes every volume whose content changed; returns the names of those written. */
  async sync(): Promise<string[]> {
    const changed: string[] = [];
    for (const volume of this.pod.spec?.volumes ?? []) {
      const payload = await this.#payload(volume);
      const dir = this.volumeDir(volume.name);
      if (!payload) {
        await mkdir(dir, { recursive: true });
        continue;
      }
      let writer = this.#writers.get(volume.name);
      if (!writer) this.#writers.set(volume.name, (writer = new AtomicWriter(dir)));
      if (await writer.write(payload)) changed.push(volume.name);
    }
    return changed;
  }

  /** Links each of the container's mount paths under the pod root. subPath mounts are copies, never refreshed, as in kubelet. */
  async mount(container: V1Container): Promise<void> {
    for (const mount of container.volumeMounts ?? []) {
      if (!this.pod.spec?.volumes?.some((v) => v.name === mount.name)) {
        throw new ContainerConfigError(`volumeMount ${mount.name} names no volume of the pod`);
      }
      const target = join(this.root, mount.mountPath);
      await rm(target, { recursive: true, force: true });
      await mkdir(dirname(target), { recursive: true });
      const source = this.volumeDir(mount.name);
      if (mount.subPath) await cp(join(source, mount.subPath), target, { recursive: true, dereference: true });
      else await symlink(source, target);
    }
  }

  /** Removes the volumes and the container root, as kubelet does once a pod is gone: no Secret outlives its pod on disk. */
  async teardown(): Promise<void> {
    await rm(join(this.podDir, 'volumes'), { recursive: true, force: true });
    await rm(this.root, { recursive: true, force: true });
  }
}
