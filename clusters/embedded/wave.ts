import type { KubeObject } from '../kube/index.ts';
import { ComponentProcess } from '../process/index.ts';

export interface WaveOptions {
  readonly binary: string;
  /** Wave's own ServiceAccount identity, bound by {@link waveAccess}. */
  readonly kubeconfig: string;
  /** Where its metrics server listens: controller-runtime's default, which the harness cannot move. */
  readonly metricsAddress: string;
  /** Wave's own flags, as a scenario chose them. */
  readonly flags: readonly string[];
  readonly logFile: string;
  readonly owner: string;
}

export const WAVE_NAMESPACE = 'wave';
const NAME = 'wave';

/**
 * Wave v0.11.0's RBAC as its kubebuilder markers generate it (`config/rbac/role.yaml`), for the
 * module cannot be fetched here to read it from; without `--leader-election` it needs no Leases.
 */
export const waveAccess: readonly KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: WAVE_NAMESPACE } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: NAME, namespace: WAVE_NAMESPACE } },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'wave-manager-role' },
    rules: [
      { apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['get', 'list', 'patch', 'update', 'watch'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch', 'update'] },
      { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'statefulsets'], verbs: ['get', 'list', 'patch', 'update', 'watch'] },
    ],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'wave-manager-rolebinding' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'wave-manager-role' },
    subjects: [{ kind: 'ServiceAccount', name: NAME, namespace: WAVE_NAMESPACE }],
  },
];
export const WAVE_SERVICE_ACCOUNT = { namespace: WAVE_NAMESPACE, name: NAME } as const;

export function waveFlags(o: WaveOptions): string[] {
  return [`--kubeconfig=${o.kubeconfig}`, ...o.flags];
}

export class Wave extends ComponentProcess {
  constructor(readonly options: WaveOptions) {
    super({ name: 'wave', command: options.binary, args: waveFlags(options), logFile: options.logFile, owner: options.owner });
  }

  get metricsAddress(): string {
    return this.options.metricsAddress;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    await this.startHealthy(async () => (await fetch(`http://${this.metricsAddress}/metrics`, { signal: AbortSignal.timeout(1000) })).ok, timeoutMs, `serving /metrics on ${this.options.metricsAddress}`);
  }
}
