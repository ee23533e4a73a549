import { ComponentProcess } from '../process/index.ts';
import { answersOk, type TlsClient } from './tls-get.ts';

export interface KubeControllerManagerOptions {
  readonly binary: string;
  readonly kubeconfig: string;
  readonly securePort: number;
  readonly servingCertFile: string;
  readonly servingKeyFile: string;
  readonly serviceAccountPrivateKeyFile: string;
  readonly rootCaFile: string;
  readonly clusterSigningCertFile: string;
  readonly clusterSigningKeyFile: string;
  readonly logFile: string;
  readonly owner: string;
}

/**
 * Controllers we turn off. EndpointSlice and Endpoints validation rejects loopback addresses, so
 * these controllers cannot publish 127.x pod IPs; the harness derives endpoints from Pods and
 * Services itself.
 */
export const disabledControllers = [
  'endpoints-controller',
  'endpointslice-controller',
  'endpointslice-mirroring-controller',
] as const;

export function kubeControllerManagerFlags(o: KubeControllerManagerOptions): string[] {
  return [
    `--kubeconfig=${o.kubeconfig}`,
    `--authentication-kubeconfig=${o.kubeconfig}`,
    `--authorization-kubeconfig=${o.kubeconfig}`,
    '--leader-elect=false',
    '--bind-address=127.0.0.1',
    `--secure-port=${o.securePort}`,
    `--tls-cert-file=${o.servingCertFile}`,
    `--tls-private-key-file=${o.servingKeyFile}`,
    `--service-account-private-key-file=${o.serviceAccountPrivateKeyFile}`,
    `--root-ca-file=${o.rootCaFile}`,
    `--cluster-signing-cert-file=${o.clusterSigningCertFile}`,
    `--cluster-signing-key-file=${o.clusterSigningKeyFile}`,
    '--use-service-account-credentials=true',
    `--controllers=*,${disabledControllers.map((c) => `-${c}`).join(',')}`,
    '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
    '--profiling=false',
    '--v=1',
  ];
}

export class KubeControllerManager extends ComponentProcess {
  constructor(readonly options: KubeControllerManagerOptions) {
    super({
      name: 'kube-controller-manager',
      command: options.binary,
      args: kubeControllerManagerFlags(options),
      logFile: options.logFile,
      owner: options.owner,
    });
  }

  async start(tls: TlsClient, timeoutMs = 60_000): Promise<void> {
    await this.startHealthy(answersOk(`https://127.0.0.1:${this.options.securePort}/healthz`, tls), timeoutMs, 'healthy on /healthz');
  }
}
