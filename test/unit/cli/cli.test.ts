import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runCli } from '../../helpers/cli.ts';
import { useTempEnv } from '../../helpers/temp-env.ts';

describe('CLI bad input', () => {
  it('an unknown command prints usage and exits 2', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.include('error: unknown command "frobnicate"');
    expect(r.stderr).to.include('usage: testbed <command>');
  });

  it('an unknown flag prints usage and exits 2', async () => {
    const r = await runCli(['cluster', 'up', '--bogus']);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.match(/error: Unknown option '--bogus'/);
    expect(r.stderr).to.include('usage: testbed cluster');
  });

  it('a bad --nodes or --bin value exits 2 with the value quoted', async () => {
    const nodes = await runCli(['cluster', 'up', '--nodes', 'many']);
    expect(nodes.exitCode).to.equal(2);
    expect(nodes.stderr).to.include('--nodes must be a whole number from 1 to 50, got "many"');
    const bin = await runCli(['components', 'list', '--bin', 'etcd']);
    expect(bin.exitCode).to.equal(2);
    expect(bin.stderr).to.include('--bin expects NAME=PATH, got "etcd"');
  });

  it("cluster up --component takes only what a cluster starts, Kubernetes and Prometheus, and refuses the rest before any cluster work", async () => {
    const addon = await runCli(['cluster', 'up', '--component', 'flagger=v1.43.0']);
    expect(addon.exitCode).to.equal(2);
    expect(addon.stderr).to.include('error: --component flagger=v1.43.0: cluster up starts Kubernetes and Prometheus; a scenario that needs an add-on starts it, at the version its own --component names');
    const fixed = await runCli(['cluster', 'up', '--component', 'etcd=v3.5.0']);
    expect(fixed.exitCode).to.equal(2);
    expect(fixed.stderr).to.include('error: --component etcd=v3.5.0: only kubernetes, flagger, reloader, prometheus can run at another version than the pin');
    const malformed = await runCli(['cluster', 'up', '--component', 'kubernetes=1.35']);
    expect(malformed.exitCode).to.equal(2);
    expect(malformed.stderr).to.include('error: --component kubernetes=1.35: expected NAME=vX.Y.Z, e.g. kubernetes=v1.36.3');
    expect(malformed.stderr).to.include('usage: testbed cluster');
  });

  it('components list names every binary with its pinned version', async () => {
    const r = await runCli(['components', 'list']);
    expect(r.exitCode).to.equal(0);
    for (const binary of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) expect(r.stdout).to.match(new RegExp(`^${binary}\\s+v\\d`, 'm'));
  });
});

describe('scenario CLI bad input', () => {
  it('--list prints each scenario with its summary', async () => {
    const r = await runCli(['scenario', '--list']);
    expect(r.exitCode).to.equal(0);
    expect(r.stdout).to.match(/conflicting-apply\s+Server-side apply conflict detection/);
  });

  it('an unknown scenario exits 2 and lists what exists', async () => {
    const r = await runCli(['scenario', 'no-such-thing']);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.include('unknown scenario "no-such-thing"; scenarios:');
    expect(r.stderr).to.include('conflicting-apply');
  });

  it('an unknown tunable or a bad value exits 2 before any cluster starts', async () => {
    const unknown = await runCli(['scenario', 'conflicting-apply', '--set', 'replicas=3']);
    expect(unknown.exitCode).to.equal(2);
    expect(unknown.stderr).to.include('no selected scenario has a tunable "replicas"');
    const bad = await runCli(['scenario', 'conflicting-apply', '--set', 'sabotage=sometimes']);
    expect(bad.exitCode).to.equal(2);
    expect(bad.stderr).to.include('--set sabotage=sometimes: expected one of none, always-force, update-instead-of-apply');
  });

  /** The first line of stderr: the one a user reads. */
  const firstLine = (stderr: string) => stderr.split('\n')[0];

  it('a --matrix a scenario cannot take exits 2 before any cluster work: an undeclared key, a value out of range, a key also --set, bad --workers', async () => {
    const state = await mkdtemp(join(tmpdir(), 'testbed-matrix-'));
    const cases: Array<[string[], string]> = [
      [['bad-canary', 'conflicting-apply', '--matrix', 'errorRate=0.1,0.5'], 'error: --matrix errorRate: scenario conflicting-apply has no tunable "errorRate"; it has: managers, applies, sabotage'],
      [['bad-canary', '--matrix', 'errorRate=0.1,2'], 'error: scenario bad-canary: --matrix errorRate=2: must be between 0.001 and 1'],
      [['bad-canary', '--matrix', 'errorRate=0.1,0.5', '--set', 'errorRate=0.2'], 'error: --set errorRate and --matrix errorRate both give errorRate; keep one'],
      [['bad-canary', '--matrix', 'fault=none,kill-pod'], 'error: scenario bad-canary cannot take fault=kill-pod: it takes kill-canary-pod, restart-controller, restart-apiserver, stop-prometheus, partition-gateway; kill-pod is for config-change'],
      [['bad-canary', '--workers', '0'], 'error: --workers must be a whole number from 1 to 32, got "0"'],
      [['bad-canary', '--pause', '--workers', '2'], 'error: --pause waits for Enter before each when-step, one attempt at a time: it takes no --workers 2'],
    ];
    try {
      for (const [args, message] of cases) {
        const r = await runCli(['scenario', ...args], { TESTBED_STATE_DIR: state });
        expect(r.exitCode, r.all).to.equal(2);
        expect(firstLine(r.stderr), args.join(' ')).to.equal(message);
      }
      expect(await readdir(state), 'no cluster state made').to.deep.equal([]);
    } finally {
      await rm(state, { recursive: true, force: true });
    }
  });

  it('a tunable out of range exits 2, naming the scenario, the value and the range', async () => {
    const r = await runCli(['scenario', 'bad-canary', '--set', 'interval=5']);
    expect(r.exitCode).to.equal(2);
    expect(firstLine(r.stderr)).to.equal('error: scenario bad-canary: --set interval=5: must be between 10 and 300');
  });

  it('an unknown fault exits 2, naming the faults the scenario takes', async () => {
    const r = await runCli(['scenario', 'bad-canary', '--set', 'fault=meteor']);
    expect(r.exitCode).to.equal(2);
    expect(firstLine(r.stderr)).to.equal('error: scenario bad-canary cannot take fault=meteor: it takes kill-canary-pod, restart-controller, restart-apiserver, stop-prometheus, partition-gateway; no scenario knows a fault "meteor"');
  });

  it('a fault on a scenario that cannot take it exits 2, naming the scenarios that can', async () => {
    const r = await runCli(['scenario', 'conflicting-apply', 'bad-canary', '--set', 'fault=kill-canary-pod']);
    expect(r.exitCode).to.equal(2);
    expect(firstLine(r.stderr)).to.match(/^error: scenario conflicting-apply cannot take fault=kill-canary-pod: it takes no faults; faults are for config-change \(kill-pod, restart-controller, restart-apiserver\); bad-canary \(kill-canary-pod, restart-controller, restart-apiserver, stop-prometheus, partition-gateway\); good-canary \(kill-canary-pod, restart-controller, restart-apiserver, stop-prometheus\)/);
  });

  describe('before any cluster work', () => {
    const temp = useTempEnv(() => ({}));
    const env = () => ({ TESTBED_STATE_DIR: join(temp.dir(), 'state') });

    it('a fault on a provider that cannot inject faults exits 2', async () => {
      const r = await runCli(['scenario', 'bad-canary', '--set', 'fault=stop-prometheus', '--provider', 'kubeconfig', '--prometheus-url', 'http://127.0.0.1:1', '--gateway-url', 'http://127.0.0.1:1'], env());
      expect(r.exitCode).to.equal(2);
      expect(firstLine(r.stderr)).to.equal('error: fault=stop-prometheus: the kubeconfig provider cannot inject faults; faults run on the embedded provider');
    });

    it('a report dir that is not writable exits 2, and no cluster state is made', async () => {
      const file = join(temp.dir(), 'a-file');
      await writeFile(file, '');
      const r = await runCli(['scenario', 'conflicting-apply', '--report-dir', join(file, 'out')], env());
      expect(r.exitCode).to.equal(2);
      expect(firstLine(r.stderr)).to.match(new RegExp(`^error: --report-dir ${join(file, 'out')} is not writable: ENOTDIR`));
      expect(await readdir(join(temp.dir(), 'state')).catch(() => []), 'state made').to.deep.equal([]);
    });

    it('a Canary file that cannot work exits 2, naming the file and the field, and no cluster state is made', async () => {
      const file = join(temp.dir(), 'canary.yaml');
      await writeFile(file, 'apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: podinfo}\nspec:\n  analysis: {interval: 1m}\n');
      const r = await runCli(['scenario', 'bad-canary', '--set', `canary=${file}`], env());
      expect(r.exitCode, r.all).to.equal(2);
      expect(firstLine(r.stderr)).to.equal(`error: scenario bad-canary: --set canary=${file}: ${file}: Canary podinfo: spec.targetRef is missing: Flagger needs the Deployment it rolls out`);
      const missing = await runCli(['scenario', 'good-canary', '--set', 'canary=no-such.yaml'], env());
      expect(missing.exitCode, missing.all).to.equal(2);
      expect(firstLine(missing.stderr)).to.match(/^error: scenario good-canary: --set canary=no-such\.yaml: cannot read \S+no-such\.yaml \(ENOENT\)$/);
      expect(await readdir(join(temp.dir(), 'state')).catch(() => []), 'state made').to.deep.equal([]);
    });

    it('a workload file that cannot work, or one with a mechanism it cannot run, exits 2 naming the field, and no cluster state is made', async () => {
      const file = join(temp.dir(), 'workload.yaml');
      await writeFile(file, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: x, ports: [{containerPort: 80}]}]}\n');
      const r = await runCli(['scenario', 'config-change', '--set', `workload=${file}`], env());
      expect(r.exitCode, r.all).to.equal(2);
      expect(firstLine(r.stderr)).to.equal(`error: scenario config-change: --set workload=${file}: ${file}: Deployment web: spec.template.spec references no ConfigMap of the file (in a volume, envFrom or configMapKeyRef): the story changes one the Deployment uses`);
      const kustomize = await runCli(['scenario', 'config-change', '--set', 'workload=examples/checkout-workload.yaml', '--set', 'controller=kustomize'], env());
      expect(kustomize.exitCode, kustomize.all).to.equal(2);
      expect(firstLine(kustomize.stderr)).to.match(/^error: scenario config-change: --set workload runs with controller reloader, reloader-annotations or all \(both of them\), not kustomize: kustomize renames only/);
      const named = await runCli(['scenario', 'config-change', '--set', 'workload=examples/checkout-workload.yaml', '--set', 'discovery=named'], env());
      expect(named.exitCode, named.all).to.equal(2);
      expect(firstLine(named.stderr)).to.equal("error: scenario config-change: --set discovery applies to the demo app: a workload file's own annotations say how Reloader finds it");
      const path = await runCli(['scenario', 'config-change', '--set', 'path=healthz'], env());
      expect(path.exitCode, path.all).to.equal(2);
      expect(firstLine(path.stderr)).to.equal('error: scenario config-change: --set path=healthz: expected a URL path starting with /, printable ASCII and no spaces');
      expect(await readdir(join(temp.dir(), 'state')).catch(() => []), 'state made').to.deep.equal([]);
    });

    it('an image map that cannot work, or --images on another provider, exits 2 naming the entry, and no cluster state is made', async () => {
      const file = join(temp.dir(), 'images.yaml');
      await writeFile(file, 'images:\n  registry.example.com/web:\n    command: node server.js\n');
      const r = await runCli(['scenario', 'conflicting-apply', '--images', file], env());
      expect(r.exitCode, r.all).to.equal(2);
      expect(firstLine(r.stderr)).to.equal(`error: image map ${file}: images.registry.example.com/web.command must be a list of strings`);
      const missing = await runCli(['scenario', 'conflicting-apply', '--images', join(temp.dir(), 'absent.yaml')], env());
      expect(missing.exitCode, missing.all).to.equal(2);
      expect(firstLine(missing.stderr)).to.match(/^error: image map \S+absent\.yaml: ENOENT/);
      const kubeconfig = await runCli(['scenario', 'conflicting-apply', '--images', file, '--provider', 'kubeconfig', '--prometheus-url', 'http://127.0.0.1:1', '--gateway-url', 'http://127.0.0.1:1'], env());
      expect(kubeconfig.exitCode, kubeconfig.all).to.equal(2);
      expect(firstLine(kubeconfig.stderr)).to.equal('error: --images applies to --provider embedded; on kubeconfig the cluster pulls and runs the real images');
      const up = await runCli(['cluster', 'up', '--images', file], env());
      expect(up.exitCode, up.all).to.equal(2);
      expect(firstLine(up.stderr)).to.equal(`error: image map ${file}: images.registry.example.com/web.command must be a list of strings`);
      expect(await readdir(join(temp.dir(), 'state')).catch(() => []), 'state made').to.deep.equal([]);
    });

    it('a kubeconfig that points nowhere exits 2, naming the API server it could not reach', async () => {
      const kubeconfig = join(temp.dir(), 'nowhere.kubeconfig');
      await writeFile(kubeconfig, [
        'apiVersion: v1', 'kind: Config', 'current-context: nowhere',
        'clusters: [{name: nowhere, cluster: {server: "https://127.0.0.1:1"}}]',
        'users: [{name: nobody, user: {token: t}}]',
        'contexts: [{name: nowhere, context: {cluster: nowhere, user: nobody}}]',
      ].join('\n'));
      const r = await runCli(['scenario', 'conflicting-apply', '--provider', 'kubeconfig', '--kubeconfig', kubeconfig, '--prometheus-url', 'http://127.0.0.1:1', '--gateway-url', 'http://127.0.0.1:1'], env());
      expect(r.exitCode, r.all).to.equal(2);
      expect(r.stderr).to.match(/API server: not reachable with this kubeconfig and context: .*ECONNREFUSED 127\.0\.0\.1:1/);
      const missing = await runCli(['scenario', 'conflicting-apply', '--provider', 'kubeconfig', '--kubeconfig', join(temp.dir(), 'absent'), '--prometheus-url', 'http://127.0.0.1:1', '--gateway-url', 'http://127.0.0.1:1'], env());
      expect(missing.exitCode, missing.all).to.equal(2);
      expect(firstLine(missing.stderr)).to.include(join(temp.dir(), 'absent'));
    });
  });
});
