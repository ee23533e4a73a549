import { apply } from '../scenario-apply.ts';
import { SECRET_KEY } from './config-app.ts';
import { patchTemplateByHand, type Mechanism, type DemoContext } from './mechanism.ts';
import { waveConfigHash } from './wave-hash.ts';

const OPT_IN = 'wave.pusher.com/update-on-config-change';
const CONFIG_HASH = 'wave.pusher.com/config-hash';

/** Wave: one sha256 over every config the pod spec references, in the template annotation `wave.pusher.com/config-hash`. */
export function waveMechanism(c: DemoContext): Mechanism {
  const { t, names: n } = c;
  return {
    name: 'wave',
    writes: `Wave writes the sha256 of the referenced configs' JSON (the whole ConfigMap, the Secret's ${SECRET_KEY} key) into the template annotation ${CONFIG_HASH}`,
    controller: { name: 'wave', flags: [] },
    hashOnCreate: true,
    async deploy(s) {
      await c.app.applyConfigs(t, s);
      await apply(t, c.app.deployment({ annotations: { [OPT_IN]: 'true' }, unsafeRollout: c.unsafeRollout }));
      await apply(t, c.app.service());
    },
    change: (s) => c.app.applyConfigs(t, s),
    bypass: (s) => c.app.applyConfigs(t, s),
    async writeByHand(s, hash) {
      await c.app.applyConfigs(t, s);
      await patchTemplateByHand(t, n.app, { metadata: { annotations: { [CONFIG_HASH]: hash } } });
    },
    written(template) {
      const hash = template.metadata?.annotations?.[CONFIG_HASH];
      return { config: hash, secret: hash };
    },
    expected(s) {
      const hash = waveConfigHash(
        [
          { kind: 'ConfigMap', name: n.config, data: c.app.configContent(s).data },
          { kind: 'Secret', name: n.secret, data: c.app.secretData(s) },
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
