import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parse, stringify } from 'yaml';
import { reloaderConfigMapHash, reloaderSecretHash } from '../../../../scenarios/config-change/reloader-hash.ts';
import { CHANGE_KEY, TOKEN_KEY, readWorkloadFile, workloadApp } from '../../../../scenarios/config-change/workload-file.ts';
import { TunableError } from '../../../../harness/tunable-error.ts';

const EXAMPLE = fileURLToPath(new URL('../../../../examples/checkout-workload.yaml', import.meta.url));
type Json = Record<string, any>;

describe('a user\'s workload file (config-change --set workload=FILE)', () => {
  let dir = '';
  let example: Json[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'workload-file-'));
    example = (await readFile(EXAMPLE, 'utf8')).split(/^---$/m).map((d) => parse(d) as Json);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** The example with `edit` applied to a copy of its objects, written to a file. */
  const variant = async (edit: (docs: Json[]) => Json[] | void) => {
    const docs = structuredClone(example);
    const file = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, (edit(docs) ?? docs).map((d) => stringify(d)).join('---\n'));
    return file;
  };
  const refusal = (file: string) => {
    try {
      readWorkloadFile(file);
    } catch (err) {
      expect(err).to.be.instanceOf(TunableError);
      return (err as Error).message;
    }
    throw new Error(`${file} was accepted`);
  };
  const pod = (docs: Json[]) => docs[0]!.spec.template.spec;

  it('reads the example: the ConfigMap and Secret its pod template references, its selector and port', () => {
    const w = readWorkloadFile(EXAMPLE);
    expect({ name: w.name, config: w.config, secret: w.secret, selector: w.selector, container: w.configContainer, port: w.port }).to.deep.equal({
      name: 'checkout',
      config: 'checkout-settings',
      secret: 'checkout-credentials',
      selector: 'app.kubernetes.io/name=checkout',
      container: 'checkout',
      port: 8080,
    });
  });

  it('hashes what the API server will hold: the user\'s data and the harness\'s key, for Reloader', () => {
    const app = workloadApp(readWorkloadFile(EXAMPLE), 'ns');
    const s = { config: { version: 'v2', message: 'm' }, configLabels: {}, token: 'tb-secret', unrelated: 'x' };
    const content = app.configContent(s);
    expect(content.data).to.deep.equal({ 'config.json': '{"version":"v1","message":"checkout settings"}', [CHANGE_KEY]: '{"version":"v2","message":"m"}' });
    expect(reloaderConfigMapHash(content)).to.not.equal(reloaderConfigMapHash(app.configContent({ ...s, config: { version: 'v3', message: 'm' } })));
    expect(app.secretData(s)).to.deep.equal({ 'api-key': Buffer.from('not-a-real-key').toString('base64'), [TOKEN_KEY]: Buffer.from('tb-secret').toString('base64') });
    expect(reloaderSecretHash(app.secretData(s))).to.match(/^[0-9a-f]{40}$/);
    expect(app.servedConfig).to.equal(undefined);
  });

  it('keeps the user\'s Deployment as it is, in the run\'s namespace; the unsafe-rollout sabotage drops every pod at once and the probes', () => {
    const app = workloadApp(readWorkloadFile(EXAMPLE), 'tb-run');
    const safe = app.deployment({ annotations: { 'ignored/by': 'a user workload' }, unsafeRollout: false }) as Json;
    expect(safe.metadata).to.deep.include({ name: 'checkout', namespace: 'tb-run', annotations: { 'reloader.stakater.com/auto': 'true' } });
    expect(safe.spec.template.spec.containers[0].readinessProbe.httpGet.path).to.equal('/readyz');
    const unsafe = app.deployment({ annotations: {}, unsafeRollout: true }) as Json;
    expect(unsafe.spec.strategy.rollingUpdate).to.deep.equal({ maxUnavailable: '100%', maxSurge: 0 });
    expect(unsafe.spec.template.spec.containers[0]).to.not.have.property('readinessProbe');
    expect(app.service().spec).to.deep.equal({ selector: { 'app.kubernetes.io/name': 'checkout' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
  });

  it('takes matchExpressions, envFrom and projected volumes, and puts Reloader\'s env var where Reloader does', async () => {
    const file = await variant((docs) => {
      docs[0]!.spec.selector = { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }, { key: 'canary', operator: 'DoesNotExist' }] };
      docs[0]!.spec.template.metadata.labels = { tier: 'web' };
      const p = pod(docs);
      p.volumes = [{ name: 'all', projected: { sources: [{ configMap: { name: 'checkout-settings' } }] } }];
      p.containers = [{ name: 'sidecar', image: 'x', ports: [{ containerPort: 9000 }] }, { ...p.containers[0], volumeMounts: [{ name: 'all', mountPath: '/etc/demo-app' }] }];
      p.containers[0].envFrom = [{ secretRef: { name: 'checkout-credentials' } }];
    });
    const w = readWorkloadFile(file);
    expect({ selector: w.selector, container: w.configContainer, port: w.port, secret: w.secret }).to.deep.equal({
      selector: 'tier in (web,api),!canary',
      container: 'checkout',
      port: 9000,
      secret: 'checkout-credentials',
    });
  });

  it('needs no Secret: (g) is then skipped', async () => {
    const file = await variant((docs) => {
      pod(docs).containers[0].env = [];
      return docs.slice(0, 2);
    });
    expect(readWorkloadFile(file).secret).to.equal(undefined);
  });

  describe('refuses, naming the file, the object and the field', () => {
    it('an object of another kind', async () => {
      const file = await variant((docs) => [...docs, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'checkout' } }]);
      expect(refusal(file)).to.equal(`${file}: expected one Deployment (apps/v1) and the ConfigMaps and Secrets (v1) it uses, found Deployment (apps/v1), ConfigMap (v1), Secret (v1), Service (v1); the harness makes the Service and the routes`);
    });

    it('a file without a Deployment', async () => {
      const file = await variant((docs) => docs.slice(1));
      expect(refusal(file)).to.match(/expected one Deployment \(apps\/v1\).*found ConfigMap \(v1\), Secret \(v1\);/);
    });

    it('a YAML syntax error, by line', async () => {
      const file = join(dir, 'broken.yaml');
      await writeFile(file, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: [x\n');
      expect(refusal(file)).to.match(new RegExp(`^${file}:\\d+: `));
    });

    it('a reference to a ConfigMap that is not in the file', async () => {
      const file = await variant((docs) => {
        pod(docs).volumes[0].configMap.name = 'elsewhere';
      });
      expect(refusal(file)).to.equal(`${file}: Deployment checkout: spec.template.spec.volumes[0].configMap.name names ConfigMap elsewhere, which is not in the file (it has: checkout-settings)`);
    });

    it('a pod template that references no ConfigMap', async () => {
      const file = await variant((docs) => {
        delete pod(docs).volumes;
        delete pod(docs).containers[0].volumeMounts;
      });
      expect(refusal(file)).to.equal(`${file}: Deployment checkout: spec.template.spec references no ConfigMap of the file (in a volume, envFrom or configMapKeyRef): the story changes one the Deployment uses`);
    });

    it('a first container without a port', async () => {
      const file = await variant((docs) => {
        delete pod(docs).containers[0].ports;
      });
      expect(refusal(file)).to.include("Deployment checkout: spec.template.spec.containers[0].ports[0].containerPort is missing: the harness's Service sends the gateway's traffic to the first container's first port");
    });

    it('a selector operator that does not exist', async () => {
      const file = await variant((docs) => {
        docs[0]!.spec.selector = { matchExpressions: [{ key: 'tier', operator: 'Like', values: ['web'] }] };
      });
      expect(refusal(file)).to.include('Deployment checkout: spec.selector.matchExpressions[0].operator is "Like": expected In, NotIn, Exists or DoesNotExist');
    });

    it('an immutable ConfigMap, whose data the story cannot change', async () => {
      const file = await variant((docs) => {
        docs[1]!.immutable = true;
      });
      expect(refusal(file)).to.equal(`${file}: ConfigMap checkout-settings: immutable is true: the story changes its data`);
    });

    it('a name the Service and Host cannot take', async () => {
      const file = await variant((docs) => {
        docs[0]!.metadata.name = 'Checkout_Web';
      });
      expect(refusal(file)).to.include('Deployment Checkout_Web: metadata.name is "Checkout_Web": expected a DNS label');
    });
  });
});
