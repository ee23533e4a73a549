/**
 * Where a Service is reachable on loopback: its ClusterIP (from 10.0.0.0/24, which never carries
 * traffic here) mapped to `<podNetwork>.0.<last octet>`. Pods use nodes 1 and up of the pod
 * network, so node 0 is free for Services. The mesh listens there; the node agent tells pods.
 */
export function serviceLoopbackAddress(podNetwork: string, clusterIP: string | undefined): string | undefined {
  const m = /^10\.0\.0\.(\d{1,3})$/.exec(clusterIP ?? '');
  return m ? `${podNetwork}.0.${m[1]}` : undefined;
}
