import { apply } from '../scenario-apply.ts';
import { configData, service, workload } from './config-app.ts';
import { applyConfigs, envValue, patchTemplateByHand, type Mechanism, type MechanismContext } from './mechanism.ts';
import { RELOADER_LAST_RELOADED_FROM, parseLastReloadedFrom, reloaderConfigMapHash, reloaderEnvVarName, reloaderSecretHash } from './reloader-hash.ts';

/** How Reloader finds the workload: every config it references, or the configs it names. */
export type ReloaderDiscovery = 'auto' | 'named';

/**
 * Stakater Reloader, with its default env-vars strategy (a `STAKATER_<NAME>_<KIND>` env var per
 * config) or the annotations strategy (`reloader.stakater.com/last-reloaded-from` on the template).
 */
export function reloaderMechanism(c: MechanismContext, strategy: 'env-vars' | 'annotations', discovery: ReloaderDiscovery): Mechanism {
  const { t, names: n } = c;
  const annotations: Record<string, string> =
    discovery === 'auto' ? { 'reloader.stakater.com/auto': 'true' } : { 'configmap.reloader.stakater.com/reload': n.config, 'secret.reloader.stakater.com/reload': n.secret };
  const configVar = reloaderEnvVarName(n.config, 'ConfigMap');
  const secretVar = reloaderEnvVarName(n.secret, 'Secret');
  return {
    name: strategy === 'env-vars' ? 'reloader' : 'reloader-annotations',
    writes:
      strategy === 'env-vars'
        ? `Reloader sets env ${configVar} (and ${secretVar}) to the sha1 of the config's sorted key=value pairs`
        : `Reloader writes the sha1 of the config's sorted key=value pairs into the template annotation ${RELOADER_LAST_RELOADED_FROM}`,
    controller: { name: 'reloader', flags: strategy === 'env-vars' ? [] : ['--reload-strategy=annotations'] },
    hashOnCreate: false,
    async deploy(s) {
      await applyConfigs(t, n, s);
      await apply(t, workload(t.namespace, n, { annotations, configRef: n.config, secretRef: n.secret, unsafeRollout: c.unsafeRollout }));
      await apply(t, service(t.namespace, n));
    },
    change: (s) => applyConfigs(t, n, s),
    bypass: (s) => applyConfigs(t, n, s),
    async writeByHand(s, hash) {
      await applyConfigs(t, n, s);
      const source = { type: 'CONFIGMAP', name: n.config, namespace: t.namespace, hash, containerRefs: ['app'], observedAt: Math.floor(Date.now() / 1000) };
      await patchTemplateByHand(
        t,
        n.app,
        strategy === 'env-vars'
          ? { spec: { containers: [{ name: 'app', env: [{ name: configVar, value: hash }] }] } }
          : { metadata: { annotations: { [RELOADER_LAST_RELOADED_FROM]: JSON.stringify(source) } } },
      );
    },
    written(template) {
      if (strategy === 'env-vars') return { config: envValue(template, configVar), secret: envValue(template, secretVar) };
      const raw = template.metadata?.annotations?.[RELOADER_LAST_RELOADED_FROM];
      const source = raw === undefined ? undefined : parseLastReloadedFrom(raw);
      const from = (kind: string, name: string) => (source && source.type.toUpperCase() === kind && source.name === name ? source.hash : undefined);
      return { config: from('CONFIGMAP', n.config), secret: from('SECRET', n.secret) };
    },
    expected: (s) => ({ config: reloaderConfigMapHash({ data: configData(s) }), secret: reloaderSecretHash({ token: Buffer.from(s.token).toString('base64') }) }),
  };
}
