import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { toolCommand } from '../../clusters/components/index.ts';
import { manifestYaml } from '../../clusters/kube/index.ts';
import { apply } from '../scenario-apply.ts';
import { SECRET_KEY, configData, configMap, workload, type ConfigState } from './config-app.ts';
import { patchTemplateByHand, type Mechanism, type DemoContext } from './mechanism.ts';
import { kustomizeNameSuffix } from './kustomize-hash.ts';

const CONFIG_FILE = 'config.json';

/**
 * kustomize's generators, the GitOps way with no controller: `configMapGenerator` and
 * `secretGenerator` name each config after a hash of its data, rewrite the Deployment's
 * references, and `kubectl apply --server-side -k` applies the lot, so a changed config is a new
 * name and a new template.
 */
export async function kustomizeMechanism(c: DemoContext): Promise<Mechanism> {
  const { t, names: n } = c;
  const dir = await mkdtemp(join(tmpdir(), 'testbed-kustomize-'));
  t.defer(() => rm(dir, { recursive: true, force: true }));
  const kubectl = await toolCommand('kubectl');
  const suffixOf = (name: string | undefined, base: string) => (name?.startsWith(`${base}-`) ? name.slice(base.length + 1) : undefined);

  const build = async (s: ConfigState) => {
    // The Secret's value goes in a file of mode 0600, never on a command line or in a log.
    await writeFile(join(dir, CONFIG_FILE), configData(s)[CONFIG_FILE]);
    await writeFile(join(dir, SECRET_KEY), s.token, { mode: 0o600 });
    await writeFile(join(dir, 'deployment.yaml'), manifestYaml([workload(t.namespace, n, { annotations: {}, configRef: n.config, secretRef: n.secret, unsafeRollout: c.unsafeRollout })]));
    await writeFile(
      join(dir, 'kustomization.yaml'),
      manifestYaml([{
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        namespace: t.namespace,
        resources: ['deployment.yaml'],
        configMapGenerator: [
          { name: n.config, files: [CONFIG_FILE], options: { labels: { ...s.configLabels } } },
          { name: n.unrelated, literals: [`value=${s.unrelated}`] },
        ],
        secretGenerator: [{ name: n.secret, type: 'Opaque', files: [SECRET_KEY] }],
      }]),
    );
  };
  const applyKustomization = async (s: ConfigState) => {
    await build(s);
    const argv = ['--kubeconfig', t.kubeconfig, 'apply', '--server-side', '--field-manager=kustomize', '-k', dir];
    t.note(`kubectl ${argv.join(' ')}`);
    const res = await execa(kubectl, argv, { reject: false });
    if (res.exitCode !== 0) throw new Error(`kubectl apply --server-side -k ${dir} exited ${res.exitCode}: ${res.stderr || res.stdout}`);
  };
  const expected = (s: ConfigState) => ({
    config: kustomizeNameSuffix({ kind: 'ConfigMap', name: n.config, data: c.app.configContent(s).data }),
    secret: kustomizeNameSuffix({ kind: 'Secret', name: n.secret, type: 'Opaque', data: c.app.secretData(s) }),
  });
  return {
    name: 'kustomize',
    writes: `kustomize names the ConfigMap ${n.config}-<suffix> (and the Secret ${n.secret}-<suffix>) after a hash of its kind, name and data, and rewrites the Deployment's references`,
    hashOnCreate: true,
    async deploy(s) {
      await applyKustomization(s);
      await apply(t, c.app.service());
    },
    change: applyKustomization,
    // What a hand edit does: the generated ConfigMap changes in place, so no name and no template change.
    async bypass(s) {
      const live = await c.observer.deployment();
      const name = live.spec.template.spec.volumes?.[0]?.configMap?.name ?? n.config;
      await apply(t, configMap(t.namespace, name, configData(s), s.configLabels));
    },
    async writeByHand(s, hash) {
      await apply(t, configMap(t.namespace, `${n.config}-${hash}`, configData(s), s.configLabels));
      await patchTemplateByHand(t, n.app, { spec: { volumes: [{ name: 'config', configMap: { name: `${n.config}-${hash}` } }] } });
    },
    written(template) {
      const secretRef = template.spec.containers[0]?.env?.find((e) => e.name === 'API_TOKEN')?.valueFrom?.secretKeyRef?.name;
      return { config: suffixOf(template.spec.volumes?.[0]?.configMap?.name, n.config), secret: suffixOf(secretRef, n.secret) };
    },
    expected,
  };
}
