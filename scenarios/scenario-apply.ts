import type { KubeObject } from '../clusters/kube/index.ts';
import type { ScenarioContext } from '../harness/scenario.ts';
import { getWithHost } from '../load/index.ts';

const FIELD_MANAGER = 'delivery-testbed-scenario';

/** A scenario's own server-side apply of its fixtures; anything but success is an environment error. */
export async function apply(t: ScenarioContext<unknown>, object: KubeObject): Promise<void> {
  const res = await t.kube.apply(object, { fieldManager: FIELD_MANAGER, force: true });
  if (res.status >= 300) throw new Error(`apply ${object.kind}/${object.metadata.name}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
}

/** One GET through the gateway: the status and body a user would see. */
export const viaGateway = (gatewayUrl: string, host: string, path = '/') => getWithHost(`${gatewayUrl}${path}`, host);
