/** What the mesh process reads from its config file. */
export interface MeshConfig {
  /** kubeconfig of the mesh's own read-only identity. */
  readonly kubeconfig: string;
  readonly gatewayPort: number;
  /** The cluster's pod network; each Service is served on its own address in it (node 0). */
  readonly podNetwork: string;
  /** Serves /metrics (Istio's standard metrics), /healthz and, for faults, POST /partitions. */
  readonly metricsPort: number;
}
