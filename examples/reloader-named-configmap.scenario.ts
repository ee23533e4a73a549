// A user's question: our Deployment names the ConfigMap Reloader must watch
// (configmap.reloader.stakater.com/reload). Does one change restart it exactly once, with no
// request lost?
import { RolloutObserver, appNames, applyConfigs, defineScenario, routing, apply, sabotageTunable, service, workload, type ConfigState } from 'delivery-testbed';

const state = (version: number): ConfigState => ({ config: { version: `v${version}`, message: `orders config ${version}` }, configLabels: {}, token: `orders-token-${version}`, unrelated: 'same' });

const RESTARTED_ONCE = '(a) one ConfigMap change restarted the Deployment exactly once';
const NO_REQUEST_LOST = '(b) users lost no request during the restart';

export default defineScenario({
  name: 'reloader-restarts-once',
  summary: 'Our Deployment, annotated with the ConfigMap it reloads on, restarts exactly once per change, losing no request',
  needs: { components: ['vegeta'], addons: ['reloader'] },
  // It runs Reloader with its default flags: no other attempt may run it otherwise meanwhile.
  holds: () => ({ reloader: 'exclusive' }),
  tunables: {
    sabotage: sabotageTunable("the annotation names the Secret's kind instead (secret.reloader.stakater.com/reload): no restart", 'wrong-annotation'),
  },
  checks: { [RESTARTED_ONCE]: {}, [NO_REQUEST_LOST]: {} },
  sabotages: {
    'wrong-annotation': { kind: 'misconfiguration', seenIn: 'https://github.com/stakater/Reloader#how-to-use-reloader (configmap.reloader.stakater.com/reload names ConfigMaps, secret.… Secrets)', fails: [RESTARTED_ONCE] },
  },
  async run(t) {
    const orders = appNames('orders', t.namespace);
    const observer = new RolloutObserver(t.kube, t.namespace, orders.app);
    for (const v of [1, 2]) t.redact(state(v).token);
    const annotation = t.tunables.sabotage === 'wrong-annotation' ? 'secret.reloader.stakater.com/reload' : 'configmap.reloader.stakater.com/reload';
    await t.step('given: Reloader, and our Deployment annotated with its ConfigMap behind the gateway', async () => {
      await t.controllers.run('reloader', []);
      for (const object of routing(t.namespace, [orders])) await apply(t, object);
      await applyConfigs(t, orders, state(1));
      await apply(t, workload(t.namespace, orders, { annotations: { [annotation]: orders.config }, configRef: orders.config, secretRef: orders.secret, unsafeRollout: false }));
      await apply(t, service(t.namespace, orders));
      await t.waitFor('the Deployment to settle', () => observer.settled(), 60_000);
    });
    const load = t.startLoad({ name: 'steady', host: orders.host, profile: { kind: 'steady', rps: 20, seconds: 60 } });
    const before = await observer.settled();
    await t.step('when: the ConfigMap changes', () => applyConfigs(t, orders, state(2)));
    const after = await t
      .waitFor('a new revision to settle', async () => {
        const settled = await observer.settled();
        return settled && settled.revision !== before?.revision ? settled : undefined;
      }, 30_000)
      .catch(() => undefined);
    // A second restart (a double reload) would show within a few seconds.
    await new Promise((r) => setTimeout(r, 3000));
    const revisions = (await observer.revisions()).filter((r) => r.revision > (before?.revision ?? 0));
    const summary = await load.stop();
    t.check(RESTARTED_ONCE, {
      expected: 1,
      observed: revisions.length,
      reason: `Reloader rolls a Deployment once per change of a ConfigMap its ${annotation} annotation names${after ? '' : '; no new revision settled within 30 s'}`,
    });
    t.check(NO_REQUEST_LOST, {
      expected: 0,
      observed: summary.failures,
      reason: 'the rollout keeps every replica until its replacement is ready (maxUnavailable 0, a readiness probe)',
    });
  },
});
