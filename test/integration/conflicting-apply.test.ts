import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { expect } from 'chai';
import { parse } from 'junit2json';
import { previousMinors, versions } from '../../clusters/components/index.ts';
import type { ClusterInfo } from '../../clusters/embedded/index.ts';
import type { RunReport } from '../../reports/index.ts';
import { execa } from 'execa';
import { cliMain, runCli, waitFor } from '../helpers/cli.ts';
import { closeBrowser, openReport } from '../helpers/report-browser.ts';
import { expectDeclaredFailures } from '../helpers/sabotage-proofs.ts';
import { ownCluster } from '../helpers/test-cluster.ts';

describe('conflicting-apply scenario on the embedded cluster (integration)', function () {
  this.timeout(240_000);
  // Its own: the kubeconfig provider's prerequisite checks below need a cluster where no Flagger was ever installed.
  const cluster = ownCluster('ssa');
  const small = ['--set', 'managers=4', '--set', 'applies=10'];
  const run = (args: string[]) => cluster.scenario(['conflicting-apply', ...args]);
  const env = () => cluster.env();

  it('passes with every check (a)–(j) present, real measurements, and a JUnit file CI can read', async () => {
    const { result, report, reportDir } = await run(small);
    expect(result.exitCode, result.all).to.equal(0);
    expect(report.verdict).to.equal('pass');
    expect(report.versions.kubernetes).to.match(new RegExp(`^${versions.kubernetes} \\([^)]*\\)$`));
    const [scenario] = report.scenarios;
    const labels = scenario!.checks.map((c) => c.name.slice(0, 3));
    expect(labels).to.deep.equal(['(a)', '(b)', '(c)', '(d)', '(e)', '(f)', '(g)', '(h)', '(i)', '(j)']);
    for (const c of scenario!.checks.slice(0, 9)) expect(c.status, c.name).to.equal('pass');
    const attempt = scenario!.attempts[0]!;
    expect(attempt.metrics['applies per second']).to.be.above(0);
    expect(attempt.metrics['apply p99 ms']).to.be.above(0);
    expect(attempt.timeline.some((e) => e.kind === 'kube-event')).to.equal(true, 'Kubernetes events from the namespace watch');
    expect(attempt.timeline.some((e) => e.kind === 'step-begin')).to.equal(true);
    expect(result.stderr).to.match(/apply p99 ms: \d/);

    const junit = (await parse(await readFile(join(reportDir, 'junit.xml'), 'utf8'))) as { testsuite: Array<{ name: string; tests: number; failures: number; testcase: unknown[] }> };
    expect(junit.testsuite[0]).to.include({ name: 'conflicting-apply', tests: 10, failures: 0 });
  });

  it('fails on check (a) when the applier is sabotaged, each sabotage in one --matrix: always-force, update-instead-of-apply', async () => {
    const { result, report } = await run([...small, '--matrix', 'sabotage=always-force,update-instead-of-apply']);
    expect(result.exitCode, result.all).to.equal(1);
    expect(report.scenarios.map((s) => s.combination)).to.deep.equal([{ sabotage: 'always-force' }, { sabotage: 'update-instead-of-apply' }]);
    for (const s of report.scenarios) {
      const decided = s.attempts[0]!.decidedBy;
      expect(decided).to.deep.include({ kind: 'check' });
      expect((decided as { name: string }).name).to.match(/^\(a\) conflict/);
      expect(result.stderr).to.match(new RegExp(`✗ conflicting-apply \\[sabotage=${s.combination!.sabotage}\\] #1: \\(a\\) conflict: .*expected \\{"status":409.*observed \\{"status":200`));
    }
    expectDeclaredFailures(report, 'conflicting-apply');
  });

  it('--repeat 3 reports a pass rate over three attempts, one after another: each holds the API server exclusively', async () => {
    const { result, report } = await run(['--set', 'managers=2', '--set', 'applies=2', '--repeat', '3']);
    expect(result.exitCode, result.all).to.equal(0);
    expect(report.scenarios[0]).to.include({ passRate: 1, flaky: false });
    expect(report.scenarios[0]!.attempts).to.have.length(3);
    const [first, second, third] = report.scenarios[0]!.attempts;
    expect(Date.parse(second!.startedAt!), 'the second after the first').to.be.at.least(Date.parse(first!.startedAt!) + first!.durationMs);
    expect(third!.waited?.reason).to.equal('kube-apiserver: conflicting-apply #1 holds it exclusive');
    expect(result.stderr).to.match(/conflicting-apply\s+PASS\s+\S+\s+100% of 3/);
  });

  it('--serve --pause: the live page shows the paused when-step, then the step running and a check, without a reload', async () => {
    const reportDir = join(cluster.stateDir, 'report-live');
    const cli = execa(process.execPath, ['--import', 'tsx', cliMain, 'scenario', 'conflicting-apply', '--name', cluster.name, '--report-dir', reportDir, '--serve', '--pause', ...small], { env: env(), reject: false, all: true, stdin: 'pipe' });
    let stderr = '';
    cli.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const url = await waitFor(async () => /live report: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr)?.[1], 60_000, 'the live report URL on stderr');
      const live = await openReport(url);
      try {
        const { page } = live;
        await page.waitForSelector('p.live-state:has-text("paused before")', { timeout: 60_000 });
        const paused = (await page.textContent('p.live-state'))!;
        const step = /paused before (when: .*?): press Enter/.exec(paused)![1]!;
        expect(stderr).to.include(`⏸  next: ${step}`);
        expect(stderr).to.match(/kubectl --kubeconfig \S+ -n tb-conflicting-apply-\S+ get configmap settings --show-managed-fields -o yaml/);
        expect(await page.$$('tr.check')).to.have.length(0);

        cli.stdin!.write('\n');
        await page.waitForFunction((s) => [...document.querySelectorAll('tr.step td:nth-child(2)')].some((td) => td.textContent === s), step, { timeout: 30_000 });
        await page.waitForSelector('tr.check.s-pass', { timeout: 60_000 });
        // No more pauses: the rest of the run goes on by itself.
        cli.stdin!.end();
        const result = await cli;
        expect(result.exitCode, result.all).to.equal(0);
        await page.waitForSelector('#live.ended', { timeout: 10_000 });
        expect(live.navigations(), 'the page never reloaded').to.equal(1);
        expect(await page.evaluate(() => window.testbedReport.updates)).to.be.above(1);
        expect(await page.$$eval('tr.check', (rows) => rows.length)).to.equal(10);
        expect(new Set(live.requests.map((r) => new URL(r).pathname))).to.deep.equal(new Set(['/', '/events']));
        expect(live.errors).to.deep.equal([]);
      } finally {
        await live.close();
      }
    } finally {
      cli.kill('SIGTERM');
      await cli;
      await closeBrowser();
    }
  });

  describe('on the previous minor of Kubernetes (--component kubernetes=VERSION)', () => {
    const older = `k8s-${process.pid}`;
    const previous = previousMinors.kubernetes;
    after(() => runCli(['cluster', 'down', '--name', older], env()));

    it('refuses it on a running cluster started at the pin, naming both versions and how to get a cluster at it', async () => {
      const r = await runCli(['scenario', 'conflicting-apply', '--name', cluster.name, '--component', `kubernetes=${previous}`, ...small], env());
      expect(r.exitCode, r.all).to.equal(2);
      expect(r.stderr.split('\n').at(-1)).to.equal(
        `error: --component kubernetes=${previous}: cluster "${cluster.name}" is running Kubernetes ${versions.kubernetes}, and its control plane stays at the version it started at; ` +
          `stop it (npm run cluster -- down --name ${cluster.name}) and run again, and the run starts its own cluster at ${previous} (--keep keeps it), ` +
          `or start one at ${previous} with npm run cluster -- up --name ${cluster.name} --component kubernetes=${previous}`,
      );
    });

    it("passes on a cluster the run starts at that release, built into the cache, and stops it after; the report's versions say it was overridden", async function () {
      // A cold cache builds the control plane at that release first (some 5 minutes on 2 cores).
      this.timeout(900_000);
      const reportDir = join(cluster.stateDir, 'report-previous-kubernetes');
      const result = await runCli(['scenario', 'conflicting-apply', '--name', older, '--component', `kubernetes=${previous}`, '--report-dir', reportDir, ...small], env());
      expect(result.exitCode, result.all).to.equal(0);
      expect(result.stderr).to.include(`✓ start kube-apiserver ${previous}`);
      const report = JSON.parse(await readFile(join(reportDir, 'report.json'), 'utf8')) as RunReport;
      expect(report.versions.kubernetes).to.match(new RegExp(`^${previous} \\([^)]*\\), --component kubernetes=${previous} over the pin ${versions.kubernetes}$`));
      for (const binary of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) expect(report.versions[binary], binary).to.match(new RegExp(`^${previous} `));
      expect(await stat(join(cluster.stateDir, 'clusters', older)).then(() => 'left', () => 'gone'), 'the cluster the run started').to.equal('gone');
    });

    it('starts a cluster to keep at that release with cluster up, whose API server says so, and which a run at the pin refuses', async () => {
      const up = await runCli(['cluster', 'up', '--name', older, '--component', `kubernetes=${previous}`], env());
      expect(up.exitCode, up.all).to.equal(0);
      const info = JSON.parse(await readFile(join(cluster.stateDir, 'clusters', older, 'cluster.json'), 'utf8')) as ClusterInfo;
      const kc = new KubeConfig();
      kc.loadFromFile(info.kubeconfig);
      expect((await kc.makeApiClient(VersionApi).getCode()).gitVersion).to.equal(previous);

      const atPin = await runCli(['scenario', 'conflicting-apply', '--name', older, ...small], env());
      expect(atPin.exitCode, atPin.all).to.equal(2);
      expect(atPin.stderr.split('\n').at(-1)).to.equal(
        `error: the pin ${versions.kubernetes}: cluster "${older}" is running Kubernetes ${previous}, and its control plane stays at the version it started at; ` +
          `stop it (npm run cluster -- down --name ${older}) and run again, and the run starts its own cluster at ${versions.kubernetes} (--keep keeps it), ` +
          `or start one at ${versions.kubernetes} with npm run cluster -- up --name ${older}; or run on it with --component kubernetes=${previous}`,
      );
    });
  });

  describe('on the kubeconfig provider (this cluster standing in for an existing one)', () => {
    const existing = async (overrides: { prometheusUrl?: string } = {}) => {
      const info = await cluster.info();
      return ['--provider', 'kubeconfig', '--kubeconfig', info.kubeconfig, '--context', `testbed-${cluster.name}`, '--prometheus-url', overrides.prometheusUrl ?? info.prometheusUrl, '--gateway-url', info.gatewayUrl];
    };

    it('passes the same scenario, unchanged, and reports the provider and the server version it found', async () => {
      const { result, report } = await run([...small, ...(await existing())]);
      expect(result.exitCode, result.all).to.equal(0);
      expect(report.provider).to.equal('kubeconfig');
      expect(report.versions).to.include({ kubernetes: 'v1.36.3' });
    });

    it('refuses to start when a prerequisite is missing, naming it: Prometheus down, Flagger absent, a context that does not exist', async () => {
      const noPrometheus = await runCli(['scenario', 'conflicting-apply', ...(await existing({ prometheusUrl: 'http://127.0.0.1:1' }))], env());
      expect(noPrometheus.exitCode, noPrometheus.all).to.equal(2);
      expect(noPrometheus.stderr).to.include('Prometheus: http://127.0.0.1:1 does not answer');
      const noFlagger = await runCli(['scenario', 'no-traffic', ...(await existing())], env());
      expect(noFlagger.exitCode, noFlagger.all).to.equal(2);
      expect(noFlagger.stderr).to.match(/Flagger: missing CRDs canaries\.flagger\.app/);
      const args = await existing();
      args[args.indexOf('--context') + 1] = 'nowhere';
      const noContext = await runCli(['scenario', 'conflicting-apply', ...args], env());
      expect([noContext.exitCode, noContext.stderr]).to.satisfy(([code, err]: [number, string]) => code === 2 && err.includes(`has no context "nowhere"; it has testbed-${cluster.name}`));
    });
  });
});
