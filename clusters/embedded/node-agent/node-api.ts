import {
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Node,
  type V1NodeStatus,
  type V1Pod,
  type V1PodStatus,
} from '@kubernetes/client-node';
import type { ConfigSource } from './config-source.ts';

const isNotFound = (err: unknown) => (err as { code?: number }).code === 404;
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
/** The field manager of every write the node agent makes, as kubelet's are `kubelet`. */
export const NODE_AGENT_MANAGER = 'testbed-node-agent';

/** Everything one node's agent asks of the API server, under that node's own identity. */
export class NodeApi implements ConfigSource {
  readonly core: CoreV1Api;
  readonly coordination: CoordinationV1Api;

  constructor(
    readonly kubeconfig: KubeConfig,
    readonly nodeName: string,
  ) {
    this.core = kubeconfig.makeApiClient(CoreV1Api);
    this.coordination = kubeconfig.makeApiClient(CoordinationV1Api);
  }

  async configMap(namespace: string, name: string) {
    return this.core.readNamespacedConfigMap({ namespace, name }).catch((err) => (isNotFound(err) ? undefined : Promise.reject(err)));
  }

  async secret(namespace: string, name: string) {
    return this.core.readNamespacedSecret({ namespace, name }).catch((err) => (isNotFound(err) ? undefined : Promise.reject(err)));
  }

  /** The namespace's Services, for the env kubelet gives every container. */
  async services(namespace: string) {
    return (await this.core.listNamespacedService({ namespace })).items;
  }

  async serviceAccountToken(pod: V1Pod, audience: string | undefined, expirationSeconds: number): Promise<string> {
    const response = await this.core.createNamespacedServiceAccountToken({
      namespace: pod.metadata!.namespace!,
      name: pod.spec!.serviceAccountName ?? 'default',
      body: {
        spec: {
          audiences: audience ? [audience] : [],
          expirationSeconds,
          boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: pod.metadata!.name!, uid: pod.metadata!.uid! },
        },
      },
    });
    const token = response.status?.token;
    if (!token) throw new Error(`TokenRequest for ${pod.metadata!.namespace}/${pod.spec!.serviceAccountName} returned no token`);
    return token;
  }

  async patchPodStatus(pod: V1Pod, status: V1PodStatus): Promise<void> {
    await this.core.patchNamespacedPodStatus(
      { namespace: pod.metadata!.namespace!, name: pod.metadata!.name!, body: { metadata: { uid: pod.metadata!.uid }, status }, fieldManager: NODE_AGENT_MANAGER },
      mergePatch,
    );
  }

  /** The final delete kubelet makes once a terminating pod's containers are gone. */
  async deletePod(pod: V1Pod): Promise<void> {
    await this.core
      .deleteNamespacedPod({
        namespace: pod.metadata!.namespace!,
        name: pod.metadata!.name!,
        gracePeriodSeconds: 0,
        body: { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata!.uid! } },
      })
      .catch((err) => (isNotFound(err) || (err as { code?: number }).code === 409 ? undefined : Promise.reject(err)));
  }

  async recordEvent(pod: V1Pod, type: 'Normal' | 'Warning', reason: string, message: string, container?: string): Promise<void> {
    const namespace = pod.metadata!.namespace!;
    const time = new Date();
    await this.core.createNamespacedEvent({
      namespace,
      body: {
        metadata: { generateName: `${pod.metadata!.name}.`, namespace },
        involvedObject: {
          kind: 'Pod',
          apiVersion: 'v1',
          namespace,
          name: pod.metadata!.name!,
          uid: pod.metadata!.uid!,
          ...(container ? { fieldPath: `spec.containers{${container}}` } : {}),
        },
        type,
        reason,
        message,
        source: { component: 'kubelet', host: this.nodeName },
        firstTimestamp: time,
        lastTimestamp: time,
        count: 1,
        reportingComponent: 'kubelet',
        reportingInstance: this.nodeName,
      },
    });
  }

  async registerNode(node: V1Node): Promise<void> {
    try {
      await this.core.createNode({ body: node, fieldManager: NODE_AGENT_MANAGER });
    } catch (err) {
      if ((err as { code?: number }).code !== 409) throw err;
      await this.core.patchNodeStatus({ name: this.nodeName, body: { status: node.status }, fieldManager: NODE_AGENT_MANAGER }, mergePatch);
    }
  }

  async patchNodeStatus(status: V1NodeStatus): Promise<void> {
    await this.core.patchNodeStatus({ name: this.nodeName, body: { status }, fieldManager: NODE_AGENT_MANAGER }, mergePatch);
  }

  /** Creates or renews the node's Lease in kube-node-lease: the heartbeat the node lifecycle controller reads. */
  async renewLease(durationSeconds: number): Promise<void> {
    const namespace = 'kube-node-lease';
    // Lease times are MicroTime, which the API server parses only with six fractional digits.
    const renewTime = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z') as unknown as Date;
    const spec = { holderIdentity: this.nodeName, leaseDurationSeconds: durationSeconds, renewTime };
    try {
      const lease = await this.coordination.readNamespacedLease({ namespace, name: this.nodeName });
      await this.coordination.replaceNamespacedLease({ namespace, name: this.nodeName, body: { ...lease, spec: { ...lease.spec, ...spec } } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await this.coordination.createNamespacedLease({
        namespace,
        body: {
          metadata: {
            name: this.nodeName,
            namespace,
            ownerReferences: [],
          },
          spec,
        },
      });
    }
  }
}
