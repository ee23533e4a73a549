import { ComponentUnavailableError } from '../clusters/components/index.ts';
import { ProviderError } from '../clusters/provider.ts';
import { defineScenario } from '../harness/scenario.ts';
import { sabotageTunable } from '../harness/tunables.ts';
import { appNames, routing } from './config-change/config-app.ts';
import { CHECKS, SABOTAGES, configChangeStory, type Sabotage } from './config-change/config-change-story.ts';
import { configFaultTunable, type ConfigFault } from './config-change/config-faults.ts';
import { kustomizeMechanism } from './config-change/kustomize-mechanism.ts';
import { MECHANISMS, type Mechanism, type MechanismContext, type MechanismName } from './config-change/mechanism.ts';
import { reloaderMechanism, type ReloaderDiscovery } from './config-change/reloader-mechanism.ts';
import { RolloutObserver } from './config-change/rollout-observer.ts';
import { waveMechanism } from './config-change/wave-mechanism.ts';
import { apply } from './scenario-apply.ts';

const tunables = {
  controller: {
    type: 'enum',
    default: 'all',
    values: [...MECHANISMS, 'all'],
    description: 'what turns a config change into a rollout: Reloader (env-vars or annotations strategy), kustomize hash suffixes, Wave, or every one that can be had, side by side',
  },
  discovery: { type: 'enum', default: 'auto', values: ['auto', 'named'], description: 'how Reloader finds the workload: reloader.stakater.com/auto, or the configs named in configmap/secret.reloader.stakater.com/reload' },
  rps: { type: 'number', default: 50, min: 1, max: 500, description: 'requests/s through the gateway for each mechanism\'s whole story' },
  rolloutSeconds: { type: 'number', default: 30, min: 5, max: 300, description: 'how long one change may take to settle as one rollout' },
  quietSeconds: { type: 'number', default: 5, min: 1, max: 120, description: 'how long a change that must roll nothing is watched' },
  maxP99Ms: { type: 'number', default: 500, min: 1, max: 10_000, description: 'the p99 users may see during a rollout, ms' },
  sabotage: sabotageTunable(
    'break the set-up on purpose: the controller stopped (fails a), a wrong hash written by hand with the controller stopped (fails b), maxUnavailable 100% and no readiness probe (fails d)',
    ...SABOTAGES,
  ),
  fault: configFaultTunable,
} as const;

/** Each mechanism's copy of the app gets its own name, so a matrix runs them one after another in one namespace. */
const APP_OF: Readonly<Record<MechanismName, string>> = { reloader: 'web-envvars', 'reloader-annotations': 'web-annotations', kustomize: 'web-kustomize', wave: 'web-wave' };

function mechanismFor(name: MechanismName, c: MechanismContext, discovery: ReloaderDiscovery): Mechanism | Promise<Mechanism> {
  switch (name) {
    case 'reloader':
      return reloaderMechanism(c, 'env-vars', discovery);
    case 'reloader-annotations':
      return reloaderMechanism(c, 'annotations', discovery);
    case 'kustomize':
      return kustomizeMechanism(c);
    case 'wave':
      return waveMechanism(c);
  }
}

/** Why a mechanism cannot run on this machine or provider: it is then skipped in a matrix, and an error alone. */
const unobtainable = (err: unknown) => err instanceof ComponentUnavailableError || err instanceof ProviderError;

export const configChange = defineScenario({
  name: 'config-change',
  summary: 'A ConfigMap or Secret change becomes exactly one rollout with the right hash, and users see no error (Reloader, kustomize, Wave)',
  needs: { components: ['vegeta', 'kubectl'], addons: ['reloader'] },
  tunables,
  async run(t) {
    const { controller, discovery, rps, rolloutSeconds, quietSeconds, maxP99Ms, sabotage, fault } = t.tunables;
    const selected = controller === 'all' ? MECHANISMS : [controller as MechanismName];
    const apps = selected.map((m) => appNames(APP_OF[m], t.namespace));
    await t.step('given: the gateway routes a Host to each mechanism\'s copy of the app', async () => {
      for (const object of routing(t.namespace, apps)) await apply(t, object);
    });
    for (const [i, name] of selected.entries()) {
      const names = apps[i]!;
      const observer = new RolloutObserver(t.kube, t.namespace, names.app);
      const m = await mechanismFor(name, { t, names, observer, unsafeRollout: sabotage === 'unsafe-rollout' }, discovery as ReloaderDiscovery);
      if (controller === 'all' && m.controller) {
        const { name: c, flags } = m.controller;
        const failure = await t.controllers.run(c, flags).then(() => undefined, (err: unknown) => err);
        if (failure && unobtainable(failure)) {
          for (const check of Object.values(CHECKS)) t.skip(check, `${name} cannot be had here: ${(failure as Error).message}`, { variant: name });
          continue;
        }
        if (failure) throw failure;
      }
      try {
        await configChangeStory(t, m, names, observer, { rolloutSeconds, quietSeconds, maxP99Ms, rps, sabotage: sabotage as Sabotage, fault: fault as ConfigFault });
      } finally {
        // The next mechanism's rollouts get the machine to themselves.
        await t.kube.delete({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: t.namespace, name: names.app });
      }
    }
  },
});
