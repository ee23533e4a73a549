import { randomBytes } from 'node:crypto';
import type { RunningLoad, ScenarioContext } from '../../harness/scenario.ts';
import { getWithHost } from '../../load/index.ts';
import { viaGateway } from '../scenario-apply.ts';
import type { FaultEffect } from '../scenario-faults.ts';
import type { ConfigApp, ConfigState } from './config-app.ts';
import { duringRollout, ROLLOUT_ALLOWANCE, type ConfigFault } from './config-faults.ts';
import type { Mechanism } from './mechanism.ts';
import type { Revision, RolloutObserver } from './rollout-observer.ts';

/** Deliberately broken set-ups, each proving that one named check can fail. */
export const SABOTAGES = ['controller-not-running', 'wrong-hash', 'unsafe-rollout'] as const;
export type Sabotage = 'none' | (typeof SABOTAGES)[number];

export interface StoryOptions {
  /** How long one change may take to become one settled rollout. */
  readonly rolloutSeconds: number;
  /** How long a change that must not roll anything is watched. */
  readonly quietSeconds: number;
  readonly maxP99Ms: number;
  readonly rps: number;
  /** What the load requests through the gateway. */
  readonly path: string;
  readonly sabotage: Sabotage;
  /** Injected mid-way through the first change's rollout. */
  readonly fault: ConfigFault;
}

export const CHECKS = {
  oneRollout: '(a) a ConfigMap data change causes exactly one rollout',
  rightHash: "(b) the hash written equals the harness's own computation",
  newConfig: '(c) every new pod serves the new config, and no old pod remains',
  noErrors: '(d) users see no failed request and p99 within bound during the rollout',
  noOp: '(e) the same data with only a label change causes no rollout',
  unrelated: '(f) a change to an unrelated ConfigMap causes no rollout',
  secret: '(g) a Secret change causes one rollout, with the right hash',
  rapid: '(h) three changes within 2 s converge on the last config',
  restart: '(i) restarting the controller causes no rollout',
} as const;

/** Loads outlive no scenario: the longest one mechanism's story may keep one running. */
const MAX_LOAD_SECONDS = 300;
/** After a rollout settles, how long a second one (a double reload) has to show up. */
const SETTLE_MS = 2000;

const state = (version: number, token: string): ConfigState => ({
  config: { version: `v${version}`, message: `config number ${version}` },
  configLabels: {},
  token,
  unrelated: 'first',
});

/**
 * One mechanism's story. Given the app deployed under load; when its config changes (and then a
 * label only, an unrelated config, the Secret, three quick changes, a controller restart); then
 * the checks, each in the mechanism's column, with the chain from change to pods.
 */
export async function configChangeStory(t: ScenarioContext<unknown>, m: Mechanism, app: ConfigApp, observer: RolloutObserver, o: StoryOptions): Promise<void> {
  const variant = m.name;
  const token = () => `tb-${randomBytes(12).toString('hex')}`;
  const first = state(1, token());
  t.redact(first.token);

  if (m.controller) {
    const { name, flags } = m.controller;
    const run = await t.step(`given: ${name} runs${flags.length ? ` with ${flags.join(' ')}` : ''}`, () => t.controllers.run(name, flags));
    if (run.notice) t.note(run.notice);
  }
  const baseline = await t.step(`given: ${app.app} deployed for ${variant}, settled`, async () => {
    await m.deploy(first);
    return t.waitFor(
      `${app.app} to settle`,
      async () => {
        const settled = await observer.settled();
        if (!settled) return undefined;
        // Wave writes its first hash after the create: one more rollout before the story starts.
        if (m.hashOnCreate && m.written((await observer.deployment()).spec.template).config !== m.expected(first).config) return undefined;
        return settled;
      },
      60_000,
    );
  });
  await t.waitFor(`${app.app} to serve ${o.path} through the gateway`, async () => (await viaGateway(t.cluster.gatewayUrl, app.host, o.path)).status === 200, 30_000);
  const stopSampling = sampleReadyPods(t, observer, variant);
  const load = t.startLoad({ name: variant, host: app.host, path: o.path, profile: { kind: 'steady', rps: o.rps, seconds: MAX_LOAD_SECONDS } });
  const shows = [['-n', t.namespace, 'get', 'replicasets', '-l', observer.selector, '--watch'], ['-n', t.namespace, 'get', 'pods', '-l', observer.selector, '--watch']];
  const story: Story = { t, m, app, observer, o, load, baseline, variant, shows };
  try {
    const second = await whenConfigChanges(story, first);
    if (!second) return;
    const fourth = await whenNothingMayRoll(story, second);
    const fifth = await whenSecretChanges(story, fourth, token);
    await whenChangesComeFast(story, fifth);
    await whenControllerRestarts(story);
  } finally {
    stopSampling();
    await load.stop().catch(() => undefined);
  }
}

/** What every phase of one mechanism's story works with. */
interface Story {
  readonly t: ScenarioContext<unknown>;
  readonly m: Mechanism;
  readonly app: ConfigApp;
  readonly observer: RolloutObserver;
  readonly o: StoryOptions;
  readonly load: RunningLoad;
  /** The settled revision before the first change. */
  readonly baseline: Revision;
  readonly variant: string;
  /** kubectl arguments that show the rollouts a when-step causes. */
  readonly shows: ReadonlyArray<readonly string[]>;
}

/** (a)–(d): the change every user makes, or its sabotaged form; the state it leaves, none when sabotaged. */
async function whenConfigChanges(story: Story, first: ConfigState): Promise<ConfigState | undefined> {
  const { t, m, app, observer, o, load, baseline, variant, shows } = story;
  const second = { ...first, config: { version: 'v2', message: 'config number 2' } };
  const window = load.window();
  const allowance = ROLLOUT_ALLOWANCE[o.fault];
  const bound = o.rolloutSeconds + (allowance?.seconds ?? 0);
  const change = await t.step(`when: ${variant}'s ConfigMap data changes (v1 → v2)${o.sabotage === 'none' ? '' : `, sabotaged: ${o.sabotage}`}`, async () => {
    const started = Date.now();
    if (o.sabotage === 'controller-not-running' || o.sabotage === 'wrong-hash') {
      if (m.controller) await t.controllers.stop(m.controller.name);
      if (o.sabotage === 'wrong-hash') await m.writeByHand(second, [...m.expected(second).config].reverse().join(''));
      else await m.bypass(second);
    } else {
      await m.change(second);
    }
    const faulted = duringRollout({ t, m, observer, baseline, rolloutSeconds: o.rolloutSeconds, window: () => load.window(), mayMove: CHECKS.noErrors }, o.fault);
    // Awaited once the rollout settles; until then it must not surface as an unhandled rejection.
    faulted.catch(() => undefined);
    const rollout = await rolloutAfter(t, observer, baseline, bound, started, faulted);
    return { ...rollout, fault: await faulted };
  }, { shows });
  const template = (await observer.deployment()).spec.template;
  const written = m.written(template).config;
  const chain = [
    `ConfigMap data v1 → v2${o.sabotage === 'none' ? '' : ` (sabotage ${o.sabotage})`}`,
    `${m.name} wrote ${written ?? 'nothing'}`,
    ...describeRollout(change),
  ];
  t.check(CHECKS.oneRollout, {
    expected: { newReplicaSets: 1, withinSeconds: bound },
    observed: { newReplicaSets: change.added.length, withinSeconds: change.seconds === undefined ? null : Number(change.seconds.toFixed(1)) },
    pass: change.added.length === 1 && change.seconds !== undefined,
    reason: `${m.writes}; the changed template is one new ReplicaSet, settled within ${o.rolloutSeconds} s${allowance ? `, plus ${allowance.seconds} s for fault ${o.fault}: ${allowance.why}` : ''}`,
    variant,
    chain,
  });
  if (change.seconds !== undefined) t.metric(`${variant} rollout seconds`, Number(change.seconds.toFixed(2)));
  t.check(CHECKS.rightHash, {
    expected: m.expected(second).config,
    observed: written ?? null,
    reason: `${m.writes}; the harness computes the same from the data it applied`,
    variant,
    chain,
  });
  // Pods of a ReplicaSet the change made: with none, there is no new pod to serve anything.
  const fresh = change.added.find((r) => r.name === change.settled?.name);
  const served = await servedConfigs(t, app, observer, fresh);
  const expectedHash = m.expected(second).config;
  t.check(CHECKS.newConfig, {
    expected: app.servedConfig ? { oldPods: [], configs: [app.servedConfig(second)] } : { oldPods: [], hash: expectedHash },
    observed: app.servedConfig ? served.observed : { oldPods: served.observed.oldPods, hash: written ?? null },
    pass: servesOnly(served, app, second) && (app.servedConfig !== undefined || written === expectedHash),
    reason: app.servedConfig
      ? 'once the rollout settles, every pod belongs to the new ReplicaSet and answers /config with the new data'
      : "the harness cannot ask your app for its config: once the rollout settles, every pod must belong to the new ReplicaSet, whose template carries the new config's hash",
    variant,
    chain: [...chain, `pods serving: ${served.pods.join(', ') || 'none'}`],
  });
  const seen = window.read();
  // A killed pod's transport errors are the fault's, not the mechanism's.
  const failures = seen.failures - change.fault.failures;
  t.check(CHECKS.noErrors, {
    expected: { failures: 0, maxP99Ms: o.maxP99Ms },
    observed: {
      requests: seen.requests,
      failures,
      failuresByStatus: seen.failuresByStatus,
      p99Ms: Number(seen.p99Ms.toFixed(1)),
      ...(change.fault.failures ? { [`during fault ${change.fault.fault}, attributed to it`]: change.fault.failures } : {}),
    },
    pass: seen.requests > 0 && failures === 0 && seen.p99Ms <= o.maxP99Ms,
    reason: `vegeta at ${o.rps} requests/s through the gateway during the rollout: maxUnavailable 0 and a readiness probe keep ready pods serving throughout`,
    variant,
    chain,
  });
  if (o.sabotage !== 'none') {
    for (const name of [CHECKS.noOp, CHECKS.unrelated, CHECKS.secret, CHECKS.rapid, CHECKS.restart]) t.skip(name, `not run: sabotage ${o.sabotage} breaks the set-up of checks (a)–(d)`, { variant });
    return undefined;
  }
  return second;
}

/** (e), (f): changes that must roll nothing. */
async function whenNothingMayRoll(story: Story, second: ConfigState): Promise<ConfigState> {
  const { m } = story;
  const third = { ...second, configLabels: { 'delivery-testbed/touched': 'label-only' } };
  await quietAfter(story, CHECKS.noOp, 'the ConfigMap gets a label; its data is unchanged', () => m.change(third), `${m.name}'s hash covers data only, so the same data gives the same hash and the template does not change`);
  const fourth = { ...third, unrelated: 'second' };
  await quietAfter(story, CHECKS.unrelated, 'a ConfigMap the app does not reference changes', () => m.change(fourth), 'the workload does not reference that ConfigMap');
  return fourth;
}

/** (g): the Secret changes. */
async function whenSecretChanges(story: Story, fourth: ConfigState, token: () => string): Promise<ConfigState> {
  const { t, m, app, observer, o, baseline, variant, shows } = story;
  const fifth = { ...fourth, token: token() };
  t.redact(fifth.token);
  if (app.secret === undefined) {
    t.skip(CHECKS.secret, `${app.app} references no Secret`, { variant });
    return fifth;
  }
  const before = await observer.settled();
  const secretChange = await t.step(`when: ${variant}'s Secret changes`, async () => {
    const started = Date.now();
    await m.change(fifth);
    return rolloutAfter(t, observer, before ?? baseline, o.rolloutSeconds, started);
  }, { shows });
  const writtenSecret = m.written((await observer.deployment()).spec.template).secret;
  t.check(CHECKS.secret, {
    expected: { newReplicaSets: 1, withinSeconds: o.rolloutSeconds, hash: m.expected(fifth).secret },
    observed: { newReplicaSets: secretChange.added.length, withinSeconds: secretChange.seconds === undefined ? null : Number(secretChange.seconds.toFixed(1)), hash: writtenSecret ?? null },
    pass: secretChange.added.length === 1 && secretChange.seconds !== undefined && writtenSecret === m.expected(fifth).secret,
    reason: `the workload references Secret ${app.secret}; ${m.writes}`,
    variant,
    chain: ['Secret value changed (redacted)', `${m.name} wrote ${writtenSecret ?? 'nothing'}`, ...describeRollout(secretChange)],
  });
  return fifth;
}

/** (h): three changes in quick succession. */
async function whenChangesComeFast(story: Story, fifth: ConfigState): Promise<void> {
  const { t, m, app, observer, o, variant, shows } = story;
  const rapid = [6, 7, 8].map((v) => ({ ...fifth, config: { version: `v${v}`, message: `config number ${v}` } }));
  const last = rapid.at(-1)!;
  const beforeRapid = (await observer.revisions()).map((r) => r.name);
  const converged = await t.step(`when: ${variant}'s ConfigMap changes three times within 2 s`, async () => {
    for (const [i, s] of rapid.entries()) {
      if (i) await new Promise((r) => setTimeout(r, 600));
      await m.change(s);
    }
    return t
      .waitFor(
        'the rollouts to converge on the last config',
        async () => {
          const settled = await observer.settled();
          return settled && m.written((await observer.deployment()).spec.template).config === m.expected(last).config ? settled : undefined;
        },
        o.rolloutSeconds * 3 * 1000,
      )
      .catch(() => undefined);
  }, { shows });
  const rapidServed = await servedConfigs(t, app, observer, converged);
  const rollouts = (await observer.revisions()).filter((r) => !beforeRapid.includes(r.name)).length;
  t.metric(`${variant} rollouts for 3 rapid changes`, rollouts);
  t.check(CHECKS.rapid, {
    expected: { converged: true, oldPods: [], ...(app.servedConfig ? { configs: [app.servedConfig(last)] } : {}) },
    observed: { converged: Boolean(converged), rollouts, ...rapidServed.observed },
    pass: Boolean(converged) && servesOnly(rapidServed, app, last),
    reason: `each change may roll (this took ${rollouts}), but the last one must win: the template carries its hash and every pod serves it`,
    variant,
    chain: ['ConfigMap v6, v7, v8 600 ms apart', `${m.name} wrote ${m.written((await observer.deployment()).spec.template).config ?? 'nothing'}`, `${rollouts} new ReplicaSets`, `pods serving: ${rapidServed.pods.join(', ') || 'none'}`],
  });
}

/** (i): the controller restarts, the class of bug behind Reloader's mass restarts. */
async function whenControllerRestarts(story: Story): Promise<void> {
  const { t, m, variant } = story;
  const controller = m.controller;
  if (!controller) {
    t.skip(CHECKS.restart, `${m.name} has no controller to restart`, { variant });
  } else {
    await quietAfter(
      story,
      CHECKS.restart,
      `${controller.name} is stopped and started again`,
      async () => {
        await t.controllers.stop(controller.name);
        await t.controllers.run(controller.name, controller.flags);
      },
      'on start a controller sees every config as new; it must compare hashes, not reload what did not change',
    );
  }
}

interface RolloutResult {
  /** ReplicaSets that did not exist before the change. */
  readonly added: readonly Revision[];
  /** Seconds from the change to a settled rollout of a new ReplicaSet; undefined if none within the bound. */
  readonly seconds: number | undefined;
  readonly settled: Revision | undefined;
}

/**
 * Waits for the change to settle as a new ReplicaSet, then for the fault `during` it to end, then a
 * little longer for any second one (a double reload, or one a restarted controller made).
 */
async function rolloutAfter(t: ScenarioContext<unknown>, observer: RolloutObserver, before: Revision, boundSeconds: number, started: number, during?: Promise<FaultEffect>): Promise<RolloutResult> {
  const known = new Set((await observer.revisions()).filter((r) => r.revision <= before.revision).map((r) => r.name));
  const settled = await t
    .waitFor('a new ReplicaSet to settle', async () => {
      const s = await observer.settled();
      return s && !known.has(s.name) ? s : undefined;
    }, boundSeconds * 1000)
    .catch(() => undefined);
  const seconds = settled ? (Date.now() - started) / 1000 : undefined;
  await during;
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const added = (await observer.revisions()).filter((r) => !known.has(r.name));
  return { added, seconds, settled: (await observer.settled()) ?? settled };
}

const describeRollout = (r: RolloutResult) =>
  r.added.length ? r.added.map((rs) => `ReplicaSet ${rs.name} (revision ${rs.revision}, pod-template-hash ${rs.templateHash})`) : ['no new ReplicaSet'];

interface Served {
  /** Pods of the settled ReplicaSet. */
  readonly pods: readonly string[];
  /** Pods of any other; and what the settled ones answer on /config, where the app can be asked. */
  readonly observed: { readonly oldPods: readonly string[]; readonly configs?: readonly string[] };
}

/** Every pod runs the settled ReplicaSet and, where the app can be asked, answers with config `s`. */
const servesOnly = (served: Served, app: ConfigApp, s: ConfigState) =>
  served.observed.oldPods.length === 0 && served.pods.length > 0
  && (!app.servedConfig || (served.observed.configs?.length === 1 && served.observed.configs[0] === app.servedConfig(s)));

/** After the rollout: pods still running another template, and what each new pod answers on /config. */
async function servedConfigs(t: ScenarioContext<unknown>, app: ConfigApp, observer: RolloutObserver, settled: Revision | undefined): Promise<Served> {
  const current = settled?.templateHash;
  if (!current) {
    const all = await observer.pods();
    return { pods: [], observed: { oldPods: all.map((p) => p.name), ...(app.servedConfig ? { configs: [] } : {}) } };
  }
  const pods = await t
    .waitFor('old pods to be gone', async () => {
      const all = await observer.pods();
      return all.every((p) => p.templateHash === current) ? all : undefined;
    }, 30_000)
    .catch(() => observer.pods());
  const fresh = pods.filter((p) => p.templateHash === current);
  const oldPods = pods.filter((p) => p.templateHash !== current).map((p) => p.name);
  if (!app.servedConfig) return { pods: fresh.map((p) => p.name), observed: { oldPods } };
  const configs = await Promise.all(
    fresh
      .filter((p) => p.podIP)
      .map(async (p) => {
        const res = await getWithHost(`http://${p.podIP}:8080/config`, undefined).catch((err: Error) => ({ status: 0, body: err.message }));
        return res.status === 200 ? res.body.trim() : `HTTP ${res.status}: ${res.body.trim()}`;
      }),
  );
  return { pods: fresh.map((p) => p.name), observed: { oldPods, configs: [...new Set(configs)] } };
}

/** A change that must roll nothing: no new ReplicaSet during the quiet window after it. */
async function quietAfter(story: Story, check: string, what: string, act: () => Promise<void>, reason: string): Promise<void> {
  const { t, observer, o, variant, shows } = story;
  const before = new Set((await observer.revisions()).map((r) => r.name));
  await t.step(`when: ${what} (${variant})`, async () => {
    await act();
    await new Promise((r) => setTimeout(r, o.quietSeconds * 1000));
  }, { shows });
  const added = (await observer.revisions()).filter((r) => !before.has(r.name));
  t.check(check, {
    expected: { newReplicaSets: 0, watchedSeconds: o.quietSeconds },
    observed: { newReplicaSets: added.length, watchedSeconds: o.quietSeconds },
    pass: added.length === 0,
    reason,
    variant,
    chain: [what, ...(added.length ? added.map((rs) => `ReplicaSet ${rs.name} (revision ${rs.revision})`) : ['no new ReplicaSet'])],
  });
}

/** Ready pods per ReplicaSet revision, each second, so a rollout charts as one lane handing over to the next. */
function sampleReadyPods(t: ScenarioContext<unknown>, observer: RolloutObserver, variant: string): () => void {
  let running = true;
  const loop = async () => {
    while (running) {
      const revisions = await observer.revisions().catch(() => []);
      for (const r of revisions) if (r.replicas > 0 || r.ready > 0) t.sample('ready pods', r.ready, { revision: String(r.revision), replicaSet: r.name, variant });
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  void loop();
  return () => {
    running = false;
  };
}
