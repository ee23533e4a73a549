import type { V1ConfigMap, V1Pod, V1Secret } from '@kubernetes/client-node';

/** The API reads a pod's env and volumes need; the node agent serves them from the API server. */
export interface ConfigSource {
  configMap(namespace: string, name: string): Promise<V1ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<V1Secret | undefined>;
  serviceAccountToken(pod: V1Pod, audience: string | undefined, expirationSeconds: number): Promise<string>;
}

/** A pod whose config cannot be assembled yet: kubelet reports it as CreateContainerConfigError. */
export class ContainerConfigError extends Error {
  override name = 'ContainerConfigError';
}

export async function requireConfigMap(source: ConfigSource, namespace: string, name: string, optional: boolean | undefined) {
  const found = await source.configMap(namespace, name);
  if (!found && !optional) throw new ContainerConfigError(`configmap "${name}" not found`);
  return found;
}

export async function requireSecret(source: ConfigSource, namespace: string, name: string, optional: boolean | undefined) {
  const found = await source.secret(namespace, name);
  if (!found && !optional) throw new ContainerConfigError(`secret "${name}" not found`);
  return found;
}

/** Values of a Secret's data, decoded. */
export const secretValues = (secret: V1Secret | undefined): Record<string, Buffer> =>
  Object.fromEntries(Object.entries(secret?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));

/** Values of a ConfigMap, text and binary. */
export const configMapValues = (cm: V1ConfigMap | undefined): Record<string, Buffer> => ({
  ...Object.fromEntries(Object.entries(cm?.data ?? {}).map(([k, v]) => [k, Buffer.from(v)])),
  ...Object.fromEntries(Object.entries(cm?.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
});

/** Reads `metadata.labels['x']`, `status.podIP` and the other downward-API field paths. */
export function podField(pod: V1Pod, fieldPath: string, podIP: string, hostIP: string): string {
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (keyed) return (keyed[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations)?.[keyed[2]!] ?? '';
  const formatMap = (m: Record<string, string> | undefined) =>
    Object.entries(m ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('\n');
  switch (fieldPath) {
    case 'metadata.name': return pod.metadata?.name ?? '';
    case 'metadata.namespace': return pod.metadata?.namespace ?? '';
    case 'metadata.uid': return pod.metadata?.uid ?? '';
    case 'metadata.labels': return formatMap(pod.metadata?.labels);
    case 'metadata.annotations': return formatMap(pod.metadata?.annotations);
    case 'spec.nodeName': return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? '';
    case 'status.podIP': case 'status.podIPs': return podIP;
    case 'status.hostIP': case 'status.hostIPs': return hostIP;
    default: throw new ContainerConfigError(`unsupported fieldRef ${fieldPath}`);
  }
}
