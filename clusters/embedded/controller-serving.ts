/** What the controller-manager and the scheduler share: a kubeconfig and a secure port on loopback. */
export interface ControllerServingOptions {
  readonly kubeconfig: string;
  readonly securePort: number;
  readonly servingCertFile: string;
  readonly servingKeyFile: string;
}

/**
 * Flags both controllers take alike: one kubeconfig for API access and delegated authn/authz,
 * no leader election, our serving certificate on 127.0.0.1, and health and metrics open to
 * probes and Prometheus.
 */
export function controllerServingFlags(o: ControllerServingOptions): string[] {
  return [
    `--kubeconfig=${o.kubeconfig}`,
    `--authentication-kubeconfig=${o.kubeconfig}`,
    `--authorization-kubeconfig=${o.kubeconfig}`,
    '--leader-elect=false',
    '--bind-address=127.0.0.1',
    `--secure-port=${o.securePort}`,
    `--tls-cert-file=${o.servingCertFile}`,
    `--tls-private-key-file=${o.servingKeyFile}`,
    '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
    '--profiling=false',
    '--v=1',
  ];
}
