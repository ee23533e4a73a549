/** What the mesh process reads from its config file. */
export interface MeshConfig {
  /** kubeconfig of the mesh's own read-only identity. */
  readonly kubeconfig: string;
  readonly gatewayPort: number;
  /** Serves /metrics (Istio's standard metrics) and /healthz. */
  readonly metricsPort: number;
}
