import { stringify } from 'yaml';
import type { KeyPairPem } from './pki.ts';

const b64 = (pem: string) => Buffer.from(pem).toString('base64');

/** A kubeconfig with one cluster, one user (client certificate or bearer token) and one context, data embedded. */
export function renderKubeconfig(opts: { clusterName: string; server: string; caPem: string; user: string; credentials: KeyPairPem | { token: string } }): string {
  const { clusterName, server, caPem, user, credentials } = opts;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster: { server, 'certificate-authority-data': b64(caPem) } }],
    users: [{
      name: user,
      user: 'token' in credentials ? { token: credentials.token } : { 'client-certificate-data': b64(credentials.certPem), 'client-key-data': b64(credentials.keyPem) },
    }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user } }],
    'current-context': clusterName,
  });
}
