import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCertificateAuthority, createServiceAccountKeys, type KeyPairPem } from './pki.ts';

/** Paths of every certificate and key one embedded cluster uses. */
export interface ControlPlaneFiles {
  readonly caCert: string;
  readonly caKey: string;
  readonly apiServerCert: string;
  readonly apiServerKey: string;
  readonly controllerManagerCert: string;
  readonly controllerManagerKey: string;
  readonly schedulerCert: string;
  readonly schedulerKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
  /** Certificate and key files of each extra client identity, by key. */
  readonly clients: Readonly<Record<string, { readonly cert: string; readonly key: string }>>;
}

/** Client identities, each a certificate the API server's client CA trusts. */
export interface ControlPlaneIdentities {
  readonly caPem: string;
  readonly admin: KeyPairPem;
  readonly controllerManager: KeyPairPem;
  readonly scheduler: KeyPairPem;
  readonly clients: Readonly<Record<string, KeyPairPem>>;
  readonly nodes: Readonly<Record<string, KeyPairPem>>;
  readonly files: ControlPlaneFiles;
}

export const SERVICE_CLUSTER_IP_RANGE = '10.0.0.0/24';
const KUBERNETES_SERVICE_IP = '10.0.0.1';

/** Where {@link createControlPlanePki} keeps each file in `dir`, so a component restarted later finds them. */
export function controlPlaneFiles(dir: string, clientKeys: readonly string[]): ControlPlaneFiles {
  return {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    apiServerCert: join(dir, 'apiserver.crt'),
    apiServerKey: join(dir, 'apiserver.key'),
    controllerManagerCert: join(dir, 'controller-manager.crt'),
    controllerManagerKey: join(dir, 'controller-manager.key'),
    schedulerCert: join(dir, 'scheduler.crt'),
    schedulerKey: join(dir, 'scheduler.key'),
    serviceAccountKey: join(dir, 'sa.key'),
    serviceAccountPub: join(dir, 'sa.pub'),
    clients: Object.fromEntries(clientKeys.map((key) => [key, { cert: join(dir, `${key}.crt`), key: join(dir, `${key}.key`) }])),
  };
}

/**
 * Generates a CA, serving certificates for the API server, controller-manager and scheduler, a
 * service-account signing key, and client certificates: admin (system:masters), the two
 * controllers, each add-on, and one `system:node:<name>` identity per node, as kubeadm lays them out.
 */
export async function createControlPlanePki(
  dir: string,
  clusterName: string,
  nodeNames: readonly string[],
  /** Extra client identities (add-ons such as Prometheus and the mesh): key → user name. */
  clientUsers: Readonly<Record<string, string>>,
): Promise<ControlPlaneIdentities> {
  const ca = await createCertificateAuthority(`delivery-testbed-${clusterName}-ca`);
  const loopback = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] };
  const [apiServer, controllerManagerServing, schedulerServing, admin, controllerManager, scheduler, serviceAccount] = await Promise.all([
    ca.issue({
      commonName: 'kube-apiserver',
      usage: 'server',
      dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
      ipAddresses: ['127.0.0.1', KUBERNETES_SERVICE_IP],
    }),
    ca.issue({ commonName: 'kube-controller-manager', usage: 'server', ...loopback }),
    ca.issue({ commonName: 'kube-scheduler', usage: 'server', ...loopback }),
    ca.issue({ commonName: 'testbed-admin', organizations: ['system:masters'], usage: 'client' }),
    ca.issue({ commonName: 'system:kube-controller-manager', usage: 'client' }),
    ca.issue({ commonName: 'system:kube-scheduler', usage: 'client' }),
    createServiceAccountKeys(),
  ]);
  const clients: Record<string, KeyPairPem> = {};
  for (const [key, user] of Object.entries(clientUsers)) clients[key] = await ca.issue({ commonName: user, usage: 'client' });
  const nodes: Record<string, KeyPairPem> = {};
  for (const name of nodeNames) {
    nodes[name] = await ca.issue({ commonName: `system:node:${name}`, organizations: ['system:nodes'], usage: 'client' });
  }
  const files = controlPlaneFiles(dir, Object.keys(clientUsers));
  const contents: Array<[string, string]> = [
    [files.caCert, ca.certPem],
    [files.caKey, ca.keyPem],
    [files.apiServerCert, apiServer.certPem],
    [files.apiServerKey, apiServer.keyPem],
    [files.controllerManagerCert, controllerManagerServing.certPem],
    [files.controllerManagerKey, controllerManagerServing.keyPem],
    [files.schedulerCert, schedulerServing.certPem],
    [files.schedulerKey, schedulerServing.keyPem],
    [files.serviceAccountKey, serviceAccount.privatePem],
    [files.serviceAccountPub, serviceAccount.publicPem],
    ...Object.entries(clients).flatMap(([key, pair]): Array<[string, string]> => [
      [files.clients[key]!.cert, pair.certPem],
      [files.clients[key]!.key, pair.keyPem],
    ]),
  ];
  await Promise.all(contents.map(([path, pem]) => writeFile(path, pem, { mode: 0o600 })));
  return { caPem: ca.certPem, admin, controllerManager, scheduler, clients, nodes, files };
}
