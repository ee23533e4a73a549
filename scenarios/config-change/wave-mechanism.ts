import { apply } from '../scenario-apply.ts';
import { SECRET_KEY, configData, service, workload } from './config-app.ts';
import { applyConfigs, patchTemplateByHand, type Mechanism, type MechanismContext } from './mechanism.ts';
import { waveConfigHash } from './wave-hash.ts';

const OPT_IN = 'wave.pusher.com/update-on-config-change';
const CONFIG_HASH = 'wave.pusher.com/config-hash';

/** Wave: one sha256 over every config the pod spec references, in the template annotation `wave.pusher.com/config-hash`. */
export function waveMechanism(c: MechanismContext): Mechanism {
  const { t, names: n } = c;
  return {
    name: 'wave',
    writes: `Wave writes the sha256 of the referenced configs' JSON (the whole ConfigMap, the Secret's ${SECRET_KEY} key) into the template annotation ${CONFIG_HASH}`,
    controller: { name: 'wave', flags: [] },
    hashOnCreate: true,
    async deploy(s) {
      await applyConfigs(t, n, s);
      await apply(t, workload(t.namespace, n, { annotations: { [OPT_IN]: 'true' }, configRef: n.config, secretRef: n.secret, unsafeRollout: c.unsafeRollout }));
      await apply(t, service(t.namespace, n));
    },
    change: (s) => applyConfigs(t, n, s),
    bypass: (s) => applyConfigs(t, n, s),
    async writeByHand(s, hash) {
      await applyConfigs(t, n, s);
      await patchTemplateByHand(t, n.app, { metadata: { annotations: { [CONFIG_HASH]: hash } } });
    },
    written(template) {
      const hash = template.metadata?.annotations?.[CONFIG_HASH];
      return { config: hash, secret: hash };
    },
    expected(s) {
      const hash = waveConfigHash(
        [
          { kind: 'ConfigMap', name: n.config, data: configData(s) },
          { kind: 'Secret', name: n.secret, data: { [SECRET_KEY]: Buffer.from(s.token).toString('base64') } },
        ],
        [
          { kind: 'ConfigMap', name: n.config, allKeys: true },
          { kind: 'Secret', name: n.secret, allKeys: false, keys: [SECRET_KEY] },
        ],
      );
      return { config: hash, secret: hash };
    },
  };
}
