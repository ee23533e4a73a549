/** What `testbed init` writes: a project's first scenario, its config, and the image map it runs on. */
export const STARTER_IMAGE = 'registry.example.com/acme/web:1';

export const STARTER_FILES: Readonly<Record<string, string>> = {
  'testbed.config.ts': `// Read by \`testbed scenario\` run from this folder: the scenarios it runs with no --scenarios.
import { defineConfig } from 'delivery-testbed';

export default defineConfig({ scenarios: 'scenarios' });
`,
  'images.yaml': `# How the embedded cluster runs your images: each one as a local command on the pod's own
# loopback address (POD_IP), in place of a container runtime. Start the cluster with it:
#   npx testbed cluster up --images images.yaml
images:
  ${STARTER_IMAGE.split(':')[0]}:
    command: [node, -e, "require('http').createServer((q, s) => { s.statusCode = q.url === '/healthz' ? 200 : 404; s.end(q.url) }).listen(8080, process.env.POD_IP)"]
`,
  'scenarios/my-app-ready.scenario.ts': `// A first scenario of your own: your Deployment, your image (mapped in images.yaml), a check
// with its expected and observed values, and a sabotage that proves the check can fail: the
// scenario declares its checks, and which of them each sabotage must fail (testbed scenario --list).
import { apply, defineScenario, sabotageTunable, type KubeObject } from 'delivery-testbed';

const APP = 'my-app';
const READY = '(a) every replica became ready';

export default defineScenario({
  name: 'my-app-ready',
  summary: 'My Deployment becomes ready: every replica passes its readiness probe',
  needs: { components: [], addons: [] },
  tunables: {
    replicas: { type: 'number', default: 2, min: 1, max: 5, description: 'replicas of my Deployment' },
    sabotage: sabotageTunable('a readiness probe on a path my app answers with 404', 'wrong-probe'),
  },
  checks: { [READY]: {} },
  sabotages: {
    'wrong-probe': { kind: 'misconfiguration', seenIn: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/', fails: [READY] },
  },
  async run(t) {
    const { replicas, sabotage } = t.tunables;
    const path = sabotage === 'wrong-probe' ? '/nope' : '/healthz';
    await t.step('given: my Deployment', () =>
      apply(t, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: APP, namespace: t.namespace },
        spec: {
          replicas,
          selector: { matchLabels: { app: APP } },
          template: {
            metadata: { labels: { app: APP } },
            spec: { containers: [{ name: 'web', image: '${STARTER_IMAGE}', readinessProbe: { httpGet: { path, port: 8080 }, periodSeconds: 1 } }] },
          },
        },
      }),
    );
    const readyReplicas = async () => (await t.kube.get<KubeObject & { status?: { readyReplicas?: number } }>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: t.namespace, name: APP })).status?.readyReplicas ?? 0;
    const ready = await t.waitFor('every replica to be ready', async () => (await readyReplicas()) === replicas || undefined, 30_000).then(() => replicas, readyReplicas);
    t.check(READY, {
      expected: replicas,
      observed: ready,
      reason: \`the readiness probe asks \${path}, which the app answers \${path === '/healthz' ? 'with 200' : 'with 404'}\`,
    });
  },
});
`,
};

/** The commands that run the starter, printed by \`testbed init\`. */
export const starterCommands = (dir: string): string[] => [
  ...(dir === '.' ? [] : [`cd ${dir}`]),
  'npx testbed cluster up --images images.yaml',
  'npx testbed scenario                                  # my-app-ready, from testbed.config.ts',
  'npx testbed scenario my-app-ready --set sabotage=wrong-probe   # its sabotage: fail on (a)',
  'npx testbed cluster down',
];
