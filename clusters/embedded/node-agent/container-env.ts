import type { V1Container, V1Pod, V1Service } from '@kubernetes/client-node';
import { serviceLoopbackAddress } from '../service-address.ts';
import {
  ContainerConfigError,
  configMapValues,
  podField,
  requireConfigMap,
  requireSecret,
  secretValues,
  type ConfigSource,
} from './config-source.ts';

/** Kubelet's `$(VAR)` expansion: defined names are replaced, `$$` escapes, unknown names stay. */
export function expand(input: string, vars: Readonly<Record<string, string>>): string {
  return input.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    return name !== undefined && name in vars ? vars[name]! : match;
  });
}

/**
 * Kubelet's Service variables (`WEB_SERVICE_HOST`, `WEB_SERVICE_PORT`, `WEB_SERVICE_PORT_HTTP`),
 * with each Service's loopback address, where the mesh serves it, in place of its ClusterIP.
 */
export function serviceEnv(services: readonly V1Service[], podNetwork: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const service of services) {
    const address = serviceLoopbackAddress(podNetwork, service.spec?.clusterIP);
    const ports = service.spec?.ports ?? [];
    if (!address || !ports.length) continue;
    const prefix = service.metadata!.name!.toUpperCase().replace(/-/g, '_');
    env[`${prefix}_SERVICE_HOST`] = address;
    env[`${prefix}_SERVICE_PORT`] = String(ports[0]!.port);
    for (const p of ports) if (p.name) env[`${prefix}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, '_')}`] = String(p.port);
  }
  return env;
}

/** A container's environment as kubelet builds it: envFrom in order, then env, each expanded. */
export async function containerEnv(
  pod: V1Pod,
  container: V1Container,
  source: ConfigSource,
  addresses: { podIP: string; hostIP: string },
): Promise<Record<string, string>> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const cm = await requireConfigMap(source, namespace, from.configMapRef.name!, from.configMapRef.optional);
      for (const [k, v] of Object.entries(configMapValues(cm))) env[prefix + k] = v.toString();
    }
    if (from.secretRef) {
      const secret = await requireSecret(source, namespace, from.secretRef.name!, from.secretRef.optional);
      for (const [k, v] of Object.entries(secretValues(secret))) env[prefix + k] = v.toString();
    }
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    if (!from) {
      env[variable.name] = expand(variable.value ?? '', env);
    } else if (from.configMapKeyRef) {
      const ref = from.configMapKeyRef;
      const value = configMapValues(await requireConfigMap(source, namespace, ref.name!, ref.optional))[ref.key];
      if (value !== undefined) env[variable.name] = value.toString();
      else if (!ref.optional) throw new ContainerConfigError(`couldn't find key ${ref.key} in ConfigMap ${namespace}/${ref.name}`);
    } else if (from.secretKeyRef) {
      const ref = from.secretKeyRef;
      const value = secretValues(await requireSecret(source, namespace, ref.name!, ref.optional))[ref.key];
      if (value !== undefined) env[variable.name] = value.toString();
      else if (!ref.optional) throw new ContainerConfigError(`couldn't find key ${ref.key} in Secret ${namespace}/${ref.name}`);
    } else if (from.fieldRef) {
      env[variable.name] = podField(pod, from.fieldRef.fieldPath, addresses.podIP, addresses.hostIP);
    } else {
      throw new ContainerConfigError(`env ${variable.name}: only value, configMapKeyRef, secretKeyRef and fieldRef are supported`);
    }
  }
  return env;
}
