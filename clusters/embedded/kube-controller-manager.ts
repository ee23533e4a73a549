import { ComponentProcess } from '../process/index.ts';
import { controllerServingFlags, type ControllerServingOptions } from './controller-serving.ts';
import { answersOk, type TlsClient } from './tls-get.ts';

export interface KubeControllerManagerOptions extends ControllerServingOptions {
  readonly binary: string;
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
    ...controllerServingFlags(o),
    `--service-account-private-key-file=${o.serviceAccountPrivateKeyFile}`,
    `--root-ca-file=${o.rootCaFile}`,
    `--cluster-signing-cert-file=${o.clusterSigningCertFile}`,
    `--cluster-signing-key-file=${o.clusterSigningKeyFile}`,
    '--use-service-account-credentials=true',
    `--controllers=*,${disabledControllers.map((c) => `-${c}`).join(',')}`,
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
