import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { RunReport } from '../../reports/index.ts';
import { filesUnder } from '../helpers/files-under.ts';
import { expectDeclaredFailures } from '../helpers/sabotage-proofs.ts';
import { sharedCluster, type ScenarioRun } from '../helpers/test-cluster.ts';


describe('config-change with the real Reloader, kustomize and Wave on the embedded cluster (integration)', function () {
  this.timeout(600_000);
  const cluster = sharedCluster();
  const run = (args: string[]) => cluster.scenario(['config-change', ...args]);
  const attempt = (report: RunReport, entry = 0) => report.scenarios[entry]!.attempts[0]!;
  const decidedBy = (report: RunReport, entry = 0) => attempt(report, entry).decidedBy as { kind: string; name?: string; error?: string };
  const clusterInfo = () => cluster.info();

  it('ends controller=wave as an environment error, naming each attempt and how to supply the binary', async () => {
    const { result, report } = await run(['--set', 'controller=wave']);
    expect(result.exitCode, result.all).to.equal(2);
    expect(report.scenarios[0]!.verdict).to.equal('error');
    const d = decidedBy(report);
    expect(d.name).to.equal('given: wave runs');
    expect(d.error).to.include('wave v0.11.0 is not available. Tried:').and.to.include('override: neither').and.to.include('go-build:').and.to.include('TESTBED_WAVE_BIN=PATH');
  });

  describe('sabotage controls as one --matrix: each fails its named check', () => {
    let sabotaged: ScenarioRun;
    before(async function () {
      this.timeout(900_000);
      // One run, so that its scheduler keeps the attempts that stop Reloader (each holds it
      // exclusively) one after another, and runs kustomize's, which runs no controller, beside them.
      sabotaged = await run(['--set', 'rolloutSeconds=15', '--matrix', 'controller=reloader,reloader-annotations,kustomize', '--matrix', 'sabotage=controller-not-running,wrong-hash,unsafe-rollout']);
    });
    const CONTROLLERS = ['reloader', 'reloader-annotations', 'kustomize'] as const;
    const of = (controller: string, sabotage: string) => sabotaged.report.scenarios.findIndex((s) => s.combination?.sabotage === sabotage && s.combination?.controller === controller);

    it('fails check (a) when the controller is not running (for kustomize: its generated ConfigMap edited in place)', () => {
      expect(sabotaged.result.exitCode, sabotaged.result.all).to.equal(1);
      for (const controller of CONTROLLERS) expect(decidedBy(sabotaged.report, of(controller, 'controller-not-running')).name, controller).to.match(/^\(a\) /);
    });

    it('fails check (b) when a wrong hash is written by hand with the controller stopped', () => {
      for (const controller of CONTROLLERS) {
        expect(decidedBy(sabotaged.report, of(controller, 'wrong-hash')).name, controller).to.match(/^\(b\) /);
        expect(attempt(sabotaged.report, of(controller, 'wrong-hash')).checks.find((c) => c.name.startsWith('(a)'))!.status, `${controller}: the hand-written hash still rolled once`).to.equal('pass');
      }
    });

    it('fails check (d) with maxUnavailable 100% and no readiness probe, users seeing 503s', () => {
      for (const controller of CONTROLLERS) {
        expect(decidedBy(sabotaged.report, of(controller, 'unsafe-rollout')).name, controller).to.match(/^\(d\) /);
        const d = attempt(sabotaged.report, of(controller, 'unsafe-rollout')).checks.find((c) => c.name.startsWith('(d)'))!;
        expect((d.observed as { failures: number }).failures, controller).to.be.above(0);
      }
    });

    it('fails, in each run, every check each sabotage declares it fails: what --list shows as their proofs', () => {
      expectDeclaredFailures(sabotaged.report, 'config-change');
    });
  });

  describe("a user's Deployment (--set workload=FILE), with its own annotations, selector and names", () => {
    const example = 'examples/checkout-workload.yaml';

    it('passes with both Reloader strategies: one rollout per change, the right hash, no request lost, and the Secret value nowhere', async () => {
      const { result, report, reportDir } = await run(['--set', `workload=${example}`]);
      expect(result.exitCode, result.all).to.equal(0);
      const a = attempt(report);
      expect(a.matrix!.variants).to.deep.equal(['reloader', 'reloader-annotations']);
      for (const row of a.matrix!.rows) for (const v of ['reloader', 'reloader-annotations']) expect(row.results[v], `${row.check} ${v}`).to.equal('pass');
      const rightHash = a.checks.find((c) => c.variant === 'reloader' && c.name.startsWith('(b)'))!;
      expect(rightHash.chain!.join(' ')).to.match(/ReplicaSet checkout-\w+ \(revision 2/);
      expect(a.checks.find((c) => c.variant === 'reloader' && c.name.startsWith('(c)'))!.reason).to.include('cannot ask your app for its config');
      for (const file of await filesUnder(reportDir)) expect((await readFile(file)).toString('latin1').match(/tb-[0-9a-f]{24}/g), file).to.equal(null);
    });

    it('fails (a) when the Deployment carries no Reloader annotation: the user\'s annotations are kept as they are', async () => {
      const file = join(cluster.stateDir, 'no-annotation.yaml');
      await writeFile(file, (await readFile(example, 'utf8')).replace(/^\s+reloader\.stakater\.com\/auto: "true"\n/m, '').replace(/^  annotations:\n/m, ''));
      expect(await readFile(file, 'utf8')).to.not.include('reloader.stakater.com');
      const { result, report } = await run(['--set', `workload=${file}`, '--set', 'controller=reloader', '--set', 'rolloutSeconds=5', '--set', 'quietSeconds=1']);
      expect(result.exitCode, result.all).to.equal(1);
      expect(decidedBy(report).name).to.match(/^\(a\) /);
    });
  });

  describe('under faults mid-rollout: the verdict stays the one without the fault', () => {
    const notes = (report: RunReport) => attempt(report).timeline.filter((e) => e.kind === 'note').map((e) => e.message);
    const faultStep = (report: RunReport, fault: string) => attempt(report).timeline.find((e) => e.kind === 'step-begin' && e.message === `when: fault ${fault} (reloader)`);

    it('passes when a ready pod of the new ReplicaSet is SIGKILLed, and the node restarts it', async () => {
      const { result, report } = await run(['--set', 'controller=reloader', '--set', 'fault=kill-pod']);
      expect(result.exitCode, result.all).to.equal(0);
      expect(faultStep(report, 'kill-pod'), 'the fault on the timeline').to.not.equal(undefined);
      expect(notes(report).some((n) => /^fault: SIGKILL to pod web-envvars-\S+ \(1 process\)$/.test(n)), notes(report).join('\n')).to.equal(true);
      expect(notes(report).find((n) => n.startsWith('fault kill-pod injected'))).to.match(/failed requests? during it, attributed to the fault, may legitimately move \(d\)/);
    });

    it('passes when Reloader is stopped for 5 s mid-rollout: started again, it rolls nothing more', async () => {
      const before = (await clusterInfo()).processes.reloader;
      const { result, report } = await run(['--set', 'controller=reloader', '--set', 'fault=restart-controller']);
      expect(result.exitCode, result.all).to.equal(0);
      expect(faultStep(report, 'restart-controller')).to.not.equal(undefined);
      expect(notes(report)).to.include('fault: reloader stopped for 5 s');
      expect((await clusterInfo()).processes.reloader, 'a new Reloader process').to.not.equal(before);
    });

    it('passes when kube-apiserver is down for 5 s mid-rollout: every watch reconnects, and no check reads the gap as no rollout', async () => {
      const before = (await clusterInfo()).processes['kube-apiserver'];
      const { result, report } = await run(['--set', 'controller=reloader', '--set', 'fault=restart-apiserver']);
      expect(result.exitCode, result.all).to.equal(0);
      expect(faultStep(report, 'restart-apiserver')).to.not.equal(undefined);
      expect(notes(report)).to.include.members(['fault: kube-apiserver stopped for 5 s', 'fault: kube-apiserver started again on the same port and data']);
      expect(notes(report).filter((n) => n.startsWith('watch gap')), 'watches that could not resume').to.deep.equal([]);
      expect((await clusterInfo()).processes['kube-apiserver']).to.not.equal(before);
    });
  });
});
