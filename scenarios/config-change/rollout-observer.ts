import type { KubeClient, KubeObject } from '../../clusters/kube/index.ts';

export interface PodTemplate {
  readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> };
  readonly spec: {
    readonly containers: ReadonlyArray<{ readonly env?: ReadonlyArray<{ readonly name: string; readonly value?: string; readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string } } }> }>;
    readonly volumes?: ReadonlyArray<{ readonly configMap?: { readonly name: string } }>;
  };
}

type Deployment = KubeObject & {
  spec: { replicas: number; template: PodTemplate };
  metadata: KubeObject['metadata'] & { generation?: number };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number };
};
type ReplicaSetObject = KubeObject & {
  metadata: KubeObject['metadata'] & { creationTimestamp: string; ownerReferences?: Array<{ kind: string; name: string }> };
  spec: { replicas?: number };
  status?: { readyReplicas?: number };
};
type PodObject = KubeObject & {
  metadata: KubeObject['metadata'] & { deletionTimestamp?: string };
  status?: { podIP?: string; phase?: string };
};

/** One ReplicaSet of the app, in the terms the checks report. */
export interface Revision {
  readonly name: string;
  readonly revision: number;
  readonly templateHash: string;
  readonly createdAt: string;
  readonly replicas: number;
  readonly ready: number;
}

export interface ServingPod {
  readonly name: string;
  readonly templateHash: string;
  readonly podIP: string | undefined;
  readonly terminating: boolean;
}

/** What the API server says about one Deployment's rollouts: its ReplicaSets, its pods, whether it settled. */
export class RolloutObserver {
  constructor(
    private readonly kube: KubeClient,
    private readonly namespace: string,
    readonly app: string,
    /** The label selector of the Deployment's pods. */
    readonly selector = `app=${app}`,
  ) {}

  async deployment(): Promise<Deployment> {
    return this.kube.get<Deployment>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: this.namespace, name: this.app });
  }

  /** The Deployment's ReplicaSets, oldest revision first. */
  async revisions(): Promise<Revision[]> {
    const list = await this.kube.call<{ items: ReplicaSetObject[] }>('GET', `/apis/apps/v1/namespaces/${this.namespace}/replicasets?labelSelector=${encodeURIComponent(this.selector)}`);
    return list.items
      .filter((rs) => rs.metadata.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === this.app))
      .map((rs) => ({
        name: rs.metadata.name,
        revision: Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0),
        templateHash: rs.metadata.labels?.['pod-template-hash'] ?? '',
        createdAt: rs.metadata.creationTimestamp,
        replicas: rs.spec.replicas ?? 0,
        ready: rs.status?.readyReplicas ?? 0,
      }))
      .sort((a, b) => a.revision - b.revision);
  }

  async pods(): Promise<ServingPod[]> {
    const list = await this.kube.call<{ items: PodObject[] }>('GET', `/api/v1/namespaces/${this.namespace}/pods?labelSelector=${encodeURIComponent(this.selector)}`);
    return list.items.map((p) => ({ name: p.metadata.name, templateHash: p.metadata.labels?.['pod-template-hash'] ?? '', podIP: p.status?.podIP, terminating: Boolean(p.metadata.deletionTimestamp) }));
  }

  /**
   * The revision every replica runs, once the Deployment controller has seen the latest template,
   * all replicas are updated and ready, and no older ReplicaSet keeps a replica; else undefined.
   */
  async settled(): Promise<Revision | undefined> {
    const [d, revisions] = await Promise.all([this.deployment(), this.revisions()]);
    const s = d.status ?? {};
    const want = d.spec.replicas;
    const done = s.observedGeneration === d.metadata.generation && s.updatedReplicas === want && s.readyReplicas === want && s.availableReplicas === want && s.replicas === want;
    const serving = revisions.filter((r) => r.replicas > 0);
    return done && serving.length === 1 ? serving[0] : undefined;
  }
}
