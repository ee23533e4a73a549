/** What the node agent process reads from its config file. */
export interface NodeAgentConfig {
  readonly nodes: ReadonlyArray<{ readonly name: string; readonly index: number; readonly kubeconfig: string }>;
  readonly podNetwork: string;
  readonly podsDir: string;
  readonly imagesFile?: string;
  /** The demo app bundled for plain `node`; the demo image runs it. */
  readonly demoAppBundle: string;
  readonly kubernetesVersion: string;
  readonly owner: string;
  /** How often ConfigMap and Secret volumes are re-read (kubelet's sync period). */
  readonly syncPeriodMs: number;
  /** Grace given to pod processes when the agent itself stops. */
  readonly shutdownGraceMs: number;
}
