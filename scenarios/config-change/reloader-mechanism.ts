import { apply } from '../scenario-apply.ts';
import { envValue, patchTemplateByHand, type Mechanism, type MechanismContext } from './mechanism.ts';
import { RELOADER_LAST_RELOADED_FROM, parseLastReloadedFrom, reloaderConfigMapHash, reloaderEnvVarName, reloaderSecretHash } from './reloader-hash.ts';

/** How Reloader finds the workload: every config it references, or the configs it names. */
export type ReloaderDiscovery = 'auto' | 'named';

/**
 * Stakater Reloader, with its default env-vars strategy (a `STAKATER_<NAME>_<KIND>` env var per
 * config) or the annotations strategy (`reloader.stakater.com/last-reloaded-from` on the template).
 */
export function reloaderMechanism(c: MechanismContext, strategy: 'env-vars' | 'annotations', discovery: ReloaderDiscovery): Mechanism {
  const { t, app } = c;
  const annotations: Record<string, string> =
    discovery === 'auto'
      ? { 'reloader.stakater.com/auto': 'true' }
      : { 'configmap.reloader.stakater.com/reload': app.config, ...(app.secret ? { 'secret.reloader.stakater.com/reload': app.secret } : {}) };
  const configVar = reloaderEnvVarName(app.config, 'ConfigMap');
  const secretVar = app.secret === undefined ? undefined : reloaderEnvVarName(app.secret, 'Secret');
  return {
    name: strategy === 'env-vars' ? 'reloader' : 'reloader-annotations',
    writes:
      strategy === 'env-vars'
        ? `Reloader sets env ${configVar}${secretVar ? ` (and ${secretVar})` : ''} to the sha1 of the config's sorted key=value pairs`
        : `Reloader writes the sha1 of the config's sorted key=value pairs into the template annotation ${RELOADER_LAST_RELOADED_FROM}`,
    controller: { name: 'reloader', flags: strategy === 'env-vars' ? [] : ['--reload-strategy=annotations'] },
    hashOnCreate: false,
    async deploy(s) {
      await app.applyConfigs(t, s);
      await apply(t, app.deployment({ annotations, unsafeRollout: c.unsafeRollout }));
      await apply(t, app.service());
    },
    change: (s) => app.applyConfigs(t, s),
    bypass: (s) => app.applyConfigs(t, s),
    async writeByHand(s, hash) {
      await app.applyConfigs(t, s);
      const source = { type: 'CONFIGMAP', name: app.config, namespace: t.namespace, hash, containerRefs: [app.configContainer], observedAt: Math.floor(Date.now() / 1000) };
      await patchTemplateByHand(
        t,
        app.app,
        strategy === 'env-vars'
          ? { spec: { containers: [{ name: app.configContainer, env: [{ name: configVar, value: hash }] }] } }
          : { metadata: { annotations: { [RELOADER_LAST_RELOADED_FROM]: JSON.stringify(source) } } },
      );
    },
    written(template) {
      if (strategy === 'env-vars') return { config: envValue(template, configVar), secret: secretVar && envValue(template, secretVar) };
      const raw = template.metadata?.annotations?.[RELOADER_LAST_RELOADED_FROM];
      const source = raw === undefined ? undefined : parseLastReloadedFrom(raw);
      const from = (kind: string, name: string | undefined) => (source && source.type.toUpperCase() === kind && source.name === name ? source.hash : undefined);
      return { config: from('CONFIGMAP', app.config), secret: from('SECRET', app.secret) };
    },
    expected: (s) => ({ config: reloaderConfigMapHash(app.configContent(s)), secret: reloaderSecretHash(app.secretData(s)) }),
  };
}
