import { ComponentProcess } from '../process/index.ts';
import { answersOk, type TlsClient } from './tls-get.ts';

export interface KubeApiServerOptions {
  readonly binary: string;
  readonly etcdUrl: string;
  readonly securePort: number;
  readonly servingCertFile: string;
  readonly servingKeyFile: string;
  readonly clientCaFile: string;
  readonly serviceAccountKeyFile: string;
  readonly serviceAccountSigningKeyFile: string;
  /** Allocated to Services but never routed: only 127.0.0.0/8 carries traffic here. */
  readonly serviceClusterIpRange: string;
  readonly logFile: string;
  readonly owner: string;
}

export function kubeApiServerFlags(o: KubeApiServerOptions): string[] {
  return [
    `--etcd-servers=${o.etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${o.securePort}`,
    `--tls-cert-file=${o.servingCertFile}`,
    `--tls-private-key-file=${o.servingKeyFile}`,
    `--client-ca-file=${o.clientCaFile}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${o.serviceAccountKeyFile}`,
    `--service-account-signing-key-file=${o.serviceAccountSigningKeyFile}`,
    `--service-cluster-ip-range=${o.serviceClusterIpRange}`,
    '--authorization-mode=Node,RBAC',
    '--enable-admission-plugins=NodeRestriction',
    '--allow-privileged=true',
    // The default reconciler would publish the loopback advertise address as the `kubernetes`
    // Service's endpoints, which endpoint validation rejects.
    '--endpoint-reconciler-type=none',
    '--profiling=false',
    '--v=1',
  ];
}

export class KubeApiServer extends ComponentProcess {
  constructor(readonly options: KubeApiServerOptions) {
    super({
      name: 'kube-apiserver',
      command: options.binary,
      args: kubeApiServerFlags(options),
      logFile: options.logFile,
      owner: options.owner,
    });
  }

  get url(): string {
    return `https://127.0.0.1:${this.options.securePort}`;
  }

  async start(admin: TlsClient, timeoutMs = 60_000): Promise<void> {
    await this.startHealthy(answersOk(`${this.url}/readyz`, admin), timeoutMs, 'ready on /readyz');
  }
}
