import { ComponentUnavailableError } from '../clusters/components/index.ts';
import { ProviderError, type ControllerName } from '../clusters/provider.ts';
import { checksOf } from '../harness/check-proofs.ts';
import { defineScenario } from '../harness/scenario.ts';
import { sabotageTunable } from '../harness/tunables.ts';
import { appNames, demoApp, routing, type AppNames, type ConfigApp } from './config-change/config-app.ts';
import { CHECKS, SABOTAGES, configChangeStory, type Sabotage } from './config-change/config-change-story.ts';
import { configFaultTunable, type ConfigFault } from './config-change/config-faults.ts';
import { kustomizeMechanism } from './config-change/kustomize-mechanism.ts';
import { MECHANISMS, type Mechanism, type MechanismContext, type MechanismName } from './config-change/mechanism.ts';
import { reloaderMechanism, type ReloaderDiscovery } from './config-change/reloader-mechanism.ts';
import { RolloutObserver } from './config-change/rollout-observer.ts';
import { waveMechanism } from './config-change/wave-mechanism.ts';
import { workloadApp, workloadFileTunable } from './config-change/workload-file.ts';
import { apply } from './scenario-apply.ts';

const tunables = {
  controller: {
    type: 'enum',
    default: 'all',
    values: [...MECHANISMS, 'all'],
    description: 'what turns a config change into a rollout: Reloader (env-vars or annotations strategy), kustomize hash suffixes, Wave, or every one that can be had, side by side',
  },
  discovery: { type: 'enum', default: 'auto', values: ['auto', 'named'], description: 'how Reloader finds the workload: reloader.stakater.com/auto, or the configs named in configmap/secret.reloader.stakater.com/reload' },
  path: { type: 'string', default: '/', pattern: /^\/[\x21-\x7e]*$/, expected: 'a URL path starting with /, printable ASCII and no spaces', description: 'what the load requests through the gateway (and what must answer 200 before it starts)' },
  rps: { type: 'number', default: 50, min: 1, max: 500, description: 'requests/s through the gateway for each mechanism\'s whole story' },
  rolloutSeconds: { type: 'number', default: 30, min: 5, max: 300, description: 'how long one change may take to settle as one rollout' },
  quietSeconds: { type: 'number', default: 5, min: 1, max: 120, description: 'how long a change that must roll nothing is watched' },
  maxP99Ms: { type: 'number', default: 500, min: 1, max: 10_000, description: 'the p99 users may see during a rollout, ms' },
  sabotage: sabotageTunable(
    'break the set-up on purpose: the controller stopped (fails a), a wrong hash written by hand with the controller stopped (fails b), maxUnavailable 100% and no readiness probe (fails d)',
    ...SABOTAGES,
  ),
  fault: configFaultTunable,
  workload: workloadFileTunable,
} as const;

/** The mechanisms a user's workload can run: Reloader's, whose hash needs only the configs' data. */
const FOR_WORKLOAD_FILE: readonly MechanismName[] = ['reloader', 'reloader-annotations'];

/** Each mechanism's copy of the app gets its own name, so a matrix runs them one after another in one namespace. */
const APP_OF: Readonly<Record<MechanismName, string>> = { reloader: 'web-envvars', 'reloader-annotations': 'web-annotations', kustomize: 'web-kustomize', wave: 'web-wave' };

/** One mechanism's workload: the demo app under its own name, or the user's Deployment. */
type Copy = { readonly mechanism: MechanismName; readonly app: ConfigApp; readonly names?: AppNames };

function mechanismFor(copy: Copy, c: MechanismContext, discovery: ReloaderDiscovery): Mechanism | Promise<Mechanism> {
  const { mechanism, names } = copy;
  if (mechanism === 'reloader') return reloaderMechanism(c, 'env-vars', discovery);
  if (mechanism === 'reloader-annotations') return reloaderMechanism(c, 'annotations', discovery);
  if (!names) throw new Error(`${mechanism} runs only the demo app`);
  return mechanism === 'kustomize' ? kustomizeMechanism({ ...c, names }) : waveMechanism({ ...c, names });
}

/** The controller each mechanism runs with its own flags, and stops: held exclusively. */
const CONTROLLER_OF: Readonly<Record<MechanismName, ControllerName | undefined>> = { reloader: 'reloader', 'reloader-annotations': 'reloader', kustomize: undefined, wave: 'wave' };

/** Why a mechanism cannot run on this machine or provider: it is then skipped in a matrix, and an error alone. */
const unobtainable = (err: unknown) => err instanceof ComponentUnavailableError || err instanceof ProviderError;

export const configChange = defineScenario({
  name: 'config-change',
  summary: 'A ConfigMap or Secret change becomes exactly one rollout with the right hash, and users see no error (Reloader, kustomize, Wave)',
  needs: { components: ['vegeta', 'kubectl'], addons: ['reloader'] },
  tunables,
  holds({ controller, fault }) {
    const controllers = (controller === 'all' ? MECHANISMS : [controller as MechanismName]).flatMap((m) => CONTROLLER_OF[m] ?? []);
    return { ...Object.fromEntries(controllers.map((c) => [c, 'exclusive'])), ...(fault === 'restart-apiserver' ? { 'kube-apiserver': 'exclusive' } : {}) };
  },
  checks: checksOf(CHECKS, { variants: MECHANISMS }),
  sabotages: {
    'controller-not-running': {
      kind: 'misconfiguration',
      seenIn: 'https://github.com/stakater/Reloader#how-to-use-reloader (Reloader must run for the annotation to act); for kustomize, the generated ConfigMap edited in place, which no hash suffix follows',
      fails: [{ check: CHECKS.oneRollout, variants: ['reloader', 'reloader-annotations', 'kustomize'] }],
    },
    'wrong-hash': { kind: 'harness', fails: [{ check: CHECKS.rightHash, variants: ['reloader', 'reloader-annotations', 'kustomize'] }] },
    'unsafe-rollout': {
      kind: 'misconfiguration',
      seenIn: 'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-unavailable (maxUnavailable 100% and no readiness probe)',
      fails: [{ check: CHECKS.noErrors, variants: ['reloader', 'reloader-annotations', 'kustomize'] }],
    },
  },
  refuses({ controller, discovery, workload }) {
    if (!workload) return undefined;
    if (controller !== 'all' && !FOR_WORKLOAD_FILE.includes(controller as MechanismName)) {
      return `--set workload runs with controller ${FOR_WORKLOAD_FILE.join(', ')} or all (both of them), not ${controller}: kustomize renames only the configs its own generators make, and Wave's hash covers the keys each container uses, which the harness computes for its demo app only`;
    }
    if (discovery !== 'auto') return "--set discovery applies to the demo app: a workload file's own annotations say how Reloader finds it";
    return undefined;
  },
  async run(t) {
    const { controller, discovery, path, rps, rolloutSeconds, quietSeconds, maxP99Ms, sabotage, fault, workload } = t.tunables;
    const selected = controller !== 'all' ? [controller as MechanismName] : workload ? FOR_WORKLOAD_FILE : MECHANISMS;
    const copies: Copy[] = selected.map((mechanism) => {
      if (workload) return { mechanism, app: workloadApp(workload, t.namespace) };
      const names = appNames(APP_OF[mechanism], t.namespace);
      return { mechanism, app: demoApp(names, t.namespace), names };
    });
    await t.step(`given: the gateway routes a Host to ${workload ? `${workload.name}, from ${workload.file}` : "each mechanism's copy of the app"}`, async () => {
      // A user's Deployment runs under its own name for every mechanism: one route serves them all.
      const routed = [...new Map(copies.map((c) => [c.app.app, c.app])).values()];
      for (const object of routing(t.namespace, routed)) await apply(t, object);
    });
    for (const [i, copy] of copies.entries()) {
      const { mechanism: name, app } = copy;
      const observer = new RolloutObserver(t.kube, t.namespace, app.app, app.selector);
      const m = await mechanismFor(copy, { t, app, observer, unsafeRollout: sabotage === 'unsafe-rollout' }, discovery as ReloaderDiscovery);
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
        await configChangeStory(t, m, app, observer, { rolloutSeconds, quietSeconds, maxP99Ms, rps, path, sabotage: sabotage as Sabotage, fault: fault as ConfigFault });
      } finally {
        // The next mechanism's rollouts get the machine to themselves.
        await t.kube.delete({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: t.namespace, name: app.app });
        // A user's Deployment, run again under its name, must start with no ReplicaSet or pod of the last run counted as its own.
        if (copies.slice(i + 1).some((c) => c.app.app === app.app)) {
          await t.waitFor(`${app.app}'s ReplicaSets and pods to be gone`, async () => (await observer.revisions()).length + (await observer.pods()).length === 0, 60_000);
        }
      }
    }
  },
});
