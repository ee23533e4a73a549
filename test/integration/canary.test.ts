import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { previousMinors, versions } from '../../clusters/components/index.ts';
import type { ClusterInfo } from '../../clusters/embedded/index.ts';
import { scenarioAnchor, type RunReport } from '../../reports/index.ts';
import { WORKER_LIMIT } from '../../harness/runner.ts';
import { defaultSuite } from '../../scenarios/index.ts';
import { runCli, waitFor } from '../helpers/cli.ts';
import { filesUnder } from '../helpers/files-under.ts';
import { ourListeners, type Listener } from '../helpers/listeners.ts';
import { closeBrowser, openReport } from '../helpers/report-browser.ts';
import { expectDeclaredFailures } from '../helpers/sabotage-proofs.ts';
import { sharedCluster, type ScenarioRun } from '../helpers/test-cluster.ts';
import reloaderExample from '../../examples/reloader-named-configmap.scenario.ts';
import strictExample from '../../examples/strict-gate.scenario.ts';


describe('canary scenarios with the real Flagger on the embedded cluster (integration)', function () {
  this.timeout(600_000);
  const cluster = sharedCluster();
  const run = (args: string[]) => cluster.scenario(args);
  const clusterInfo = () => cluster.info();
  /** The entry of a scenario, or of one combination of a --matrix: `sabotage=no-metrics`. */
  const entry = (report: RunReport, combination?: string) =>
    report.scenarios.find((s) => (combination === undefined ? !s.combination : Object.entries(s.combination ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') === combination))!;
  const decidedBy = (report: RunReport, combination?: string) => entry(report, combination).attempts[0]!.decidedBy as { kind: string; name?: string };
  /** Each check's status by its letter: `(a)` → `fail`. */
  /** How many attempts a run's arguments make: the product of its --matrix keys' value counts. */
  const attemptsOf = (args: readonly string[]) => args.reduce((n, a, i) => (args[i - 1] === '--matrix' ? n * a.split('=')[1]!.split(',').length : n), 1);
  const statuses = (report: RunReport, combination?: string) => Object.fromEntries(entry(report, combination).checks.map((c) => [c.name.slice(0, 3), c.status]));

  after(() => closeBrowser());

  it(`passes the default suite within 6 minutes, ${WORKER_LIMIT} attempts side by side and conflicting-apply alone, every listener of ours on loopback, with Flagger shown in the report and the series charts need, config-change side by side, and no Secret value leaked`, async function () {
    this.timeout(900_000);
    const listeners: Listener[] = [];
    let running = true;
    const sampling = (async () => {
      while (running) {
        listeners.push(...(await ourListeners(cluster.stateDir)));
        await new Promise((r) => setTimeout(r, 2000));
      }
    })();
    const { result, report, reportDir, seconds } = await run([]).finally(() => (running = false));
    await sampling;
    expect(result.exitCode, result.all).to.equal(0);
    expect(report.scenarios.map((s) => [s.scenario, s.verdict])).to.deep.equal(defaultSuite.map((n) => [n, 'pass']));
    expect(seconds).to.be.below(360);
    const spans = report.scenarios.map((s) => ({ name: s.scenario, from: Date.parse(s.attempts[0]!.startedAt!), to: Date.parse(s.attempts[0]!.startedAt!) + s.attempts[0]!.durationMs }));
    expect(report.workers).to.equal(WORKER_LIMIT);
    expect(Math.max(...spans.map((x) => spans.filter((y) => y.from <= x.from && x.from < y.to).length)), 'attempts at once, at the most').to.equal(WORKER_LIMIT);
    const alone = spans.find((x) => x.name === 'conflicting-apply')!;
    expect(spans.filter((x) => x !== alone && x.from < alone.to).map((x) => x.name), 'beside conflicting-apply, which holds the API server exclusively').to.deep.equal([]);
    const commands = new Set(listeners.map((l) => l.command));
    expect([...commands], 'the sampling saw the cluster, the controllers, the pods and the harness').to.include.members(['etcd', 'kube-apiserver', 'prometheus', 'flagger', 'reloader', 'node']);
    expect(listeners.filter((l) => !/^127(\.\d{1,3}){3}:\d+$/.test(l.address)).map((l) => `${l.command} (pid ${l.pid}) ${l.protocol} ${l.address}`), 'listeners beyond 127.0.0.0/8').to.deep.equal([]);
    expect(report.versions.flagger).to.match(/^v1\.44\.0/);
    const badCanary = report.scenarios.find((s) => s.scenario === 'bad-canary')!;
    const bad = badCanary.attempts[0]!;
    const series = new Set(bad.timeline.filter((e) => e.kind === 'sample').map((e) => e.data!.series));
    expect([...series]).to.include.members(['canary weight', 'success rate %', 'p99 ms', 'load rps', 'load errors', 'canary phase']);
    expect(bad.timeline.some((e) => e.kind === 'kube-event' && e.message.startsWith('Canary/web Synced: ') && e.message.includes('Rolling back'))).to.equal(true, "Flagger's events on the timeline");
    expect(report.scenarios.flatMap((s) => s.attempts.filter((a) => a.diagnostics).map(() => s.scenario)), 'diagnostics of passed attempts').to.deep.equal([]);

    // config-change ran every mechanism that can be had, side by side, and skipped Wave, naming why.
    const config = report.scenarios.find((s) => s.scenario === 'config-change')!.attempts[0]!;
    expect(config.matrix!.variants).to.deep.equal(['reloader', 'reloader-annotations', 'kustomize', 'wave']);
    expect(config.matrix!.rows).to.have.length(9);
    for (const row of config.matrix!.rows) {
      expect(row.results.reloader, row.check).to.equal('pass');
      expect(row.results['reloader-annotations'], row.check).to.equal('pass');
      expect(row.results.kustomize, row.check).to.equal(row.check.startsWith('(i)') ? 'skipped' : 'pass');
      expect(row.results.wave, row.check).to.equal('skipped');
    }
    expect(config.checks.find((c) => c.variant === 'wave')!.reason).to.include('TESTBED_WAVE_BIN').and.to.include('go-build:');
    expect(report.versions.reloader).to.match(/^v1\.4\.22/);
    expect(result.all).to.match(/check +reloader +reloader-annotations +kustomize +wave/);
    expect(config.checks.find((c) => c.variant === 'reloader' && c.name.startsWith('(b)'))!.chain!.join(' ')).to.match(/ReplicaSet web-envvars-\w+ \(revision 2/);
    expect(config.timeline.some((e) => e.kind === 'sample' && e.data!.series === 'ready pods' && e.data!.variant === 'kustomize')).to.equal(true);
    // Prometheus scrapes Reloader, which counted the reloads it made (each restart starts its counter anew).
    const info = await clusterInfo();
    const query = (await (await fetch(`${info.prometheusUrl}/api/v1/query?query=${encodeURIComponent('max(max_over_time(reloader_reload_executed_total{success="true"}[30m]))')}`)).json()) as { data: { result: Array<{ value: [number, string] }> } };
    expect(Number(query.data.result[0]?.value[1] ?? 0)).to.be.at.least(1);
    // config-change's Secret values (tb-<24 hex>) are nowhere the run wrote: reports, loads, the
    // cluster's state and logs. Only etcd's data holds them, as any cluster's datastore without
    // encryption at rest does; the pods that mounted them lose their volumes once the namespace is
    // gone, as with kubelet.
    const clusterDir = join(cluster.stateDir, 'clusters', cluster.name);
    const podsOf = async () => (await readdir(join(clusterDir, 'pods'))).filter((d) => d.startsWith(`${config.namespace}_`));
    expect(await podsOf(), 'pods of config-change on disk').to.not.be.empty;
    await waitFor(async () => {
      for (const pod of await podsOf()) if ((await readdir(join(clusterDir, 'pods', pod))).some((d) => d !== 'logs')) return false;
      return true;
    }, 90_000, `the pods of ${config.namespace} to lose their volumes and roots`);
    const files = [...(await filesUnder(reportDir)), ...(await filesUnder(clusterDir)).filter((f) => !f.startsWith(join(clusterDir, 'etcd') + '/'))];
    expect(files.length).to.be.above(20);
    for (const file of files) expect((await readFile(file)).toString('latin1').match(/tb-[0-9a-f]{24}/g), file).to.equal(null);

    const url = pathToFileURL(join(reportDir, 'report.html')).href;
    const shown = await openReport(`${url}#${scenarioAnchor('bad-canary')}`);
    try {
      const { page } = shown;
      const section = page.locator(`#${scenarioAnchor('bad-canary')}`);
      expect(await page.locator('#summary .badge').first().textContent()).to.equal('PASS');
      expect(await section.locator('tr.check').count(), 'every check of bad-canary').to.equal(badCanary.checks.length);
      for (const check of badCanary.checks) expect(await section.locator('tr.check td.name').allTextContents()).to.satisfy((names: string[]) => names.some((n) => n.includes(check.name)), check.name);
      const drawn = await page.evaluate(() => {
        const option = window.testbedReport.charts.get('bad-canary#1')!.getOption() as { series: Array<{ name: string; data: Array<{ name?: string; message?: string } | number[]> }> };
        const weight = option.series.find((s) => s.name === 'canary weight: canary weight')!.data as number[][];
        const flagger = option.series.find((s) => s.name === 'Flagger')!.data as Array<{ message: string }>;
        return { weights: weight.map((p) => p[1]), flagger: flagger.map((m) => m.message) };
      });
      const reported = bad.timeline.filter((e) => e.kind === 'sample' && e.data!.series === 'canary weight').map((e) => e.data!.value);
      expect(drawn.weights, 'the weight chart holds the weights Flagger reported').to.deep.equal(reported);
      expect(drawn.flagger.some((m) => m.includes('Rolling back')), `the rollback on the Flagger lane: ${drawn.flagger.join(' | ')}`).to.equal(true);
      await section.screenshot({ path: join(reportDir, 'bad-canary.png') });
      expect((await stat(join(reportDir, 'bad-canary.png'))).size).to.be.above(10_000);
      expect(shown.errors, 'console errors').to.deep.equal([]);
      expect(shown.requests, 'the page loads nothing but itself').to.deep.equal([url]);
    } finally {
      await shown.close();
    }
  });

  describe('sabotage controls, side by side: each fails its named check', () => {
    /**
     * Runs that hold nothing another of them holds exclusively, so they share the cluster: in waves
     * of WORKER_LIMIT attempts, as many as the CLI runs at once by default.
     */
    const runs: Record<string, ScenarioRun> = {};
    before(async function () {
      this.timeout(900_000);
      const waves: Array<Record<string, string[]>> = [
        { 'bad-canary': ['bad-canary', '--matrix', 'sabotage=none,no-metrics,huge-threshold'] },
        {
          'slow-canary': ['slow-canary', '--set', 'sabotage=no-duration-check'],
          'good-canary': ['good-canary', '--set', 'sabotage=impossible-gate'],
          'config-canary': ['config-canary', '--set', 'sabotage=untracked'],
        },
        {
          'no-traffic': ['no-traffic', '--set', 'sabotage=traffic'],
          'pod killed': ['good-canary', '--set', 'fault=kill-canary-pod'],
          'strict example': ['--scenarios', 'examples', 'strict-gate-rolls-back', '--set', 'sabotage=gate-never-fails'],
        },
        {
          'canary files': ['bad-canary', '--matrix', 'canary=examples/strict-gate.yaml,examples/gate-never-fails.yaml'],
          // The only run here that runs Reloader, which it holds exclusively.
          'reloader example': ['--scenarios', 'examples', 'reloader-restarts-once', '--set', 'sabotage=wrong-annotation'],
        },
      ];
      for (const wave of waves) expect(Object.values(wave).reduce((n, args) => n + attemptsOf(args), 0), 'attempts in a wave').to.be.at.most(WORKER_LIMIT);
      for (const wave of waves) {
        const done = await Promise.all(Object.entries(wave).map(async ([key, args]) => [key, await run(args)] as const));
        for (const [key, result] of done) runs[key] = result;
      }
    });

    it('fails bad-canary on the not-promoted check when the Canary has no metrics (it promotes anything), and on the rollback bound when the threshold never lets Flagger roll back; passes the combination without a sabotage', async () => {
      const { result, report } = runs['bad-canary']!;
      expect(result.exitCode, result.all).to.equal(1);
      expect(entry(report, 'sabotage=none').verdict, 'the combination without a sabotage').to.equal('pass');
      expect(decidedBy(report, 'sabotage=no-metrics').name).to.match(/^\(a\) rolled back/);
      expect(statuses(report, 'sabotage=no-metrics')['(d)'], 'the bad version was promoted').to.equal('fail');
      expect(decidedBy(report, 'sabotage=huge-threshold').name).to.match(/^\(a\) rolled back within/);
      const diagnostics = entry(report, 'sabotage=no-metrics').attempts[0]!.diagnostics;
      expect(diagnostics, 'diagnostics of the failed attempt').to.not.equal(undefined);
      const { events, logs, objects, problems } = diagnostics!;
      const why = `problems: ${problems.join('; ') || 'none'}`;
      expect(events.length, why).to.be.above(0);
      expect((objects.find((o) => o.kind === 'Canary')?.state as { phase?: string } | undefined)?.phase, why).to.be.a('string').and.not.equal('');
      expect(logs.find((l) => l.name === 'flagger')?.lines.length, why).to.be.above(0);
      expect((objects.find((o) => o.kind === 'VirtualService')?.state as { http?: unknown[] } | undefined)?.http?.length, why).to.be.above(0);
      expect(report.matrix).to.deep.equal({ sabotage: ['none', 'no-metrics', 'huge-threshold'] });
    });

    it('fails slow-canary on the request-duration check when the gate has none (the slow version goes through)', async () => {
      const { result, report } = runs['slow-canary']!;
      expect(result.exitCode, result.all).to.equal(1);
      expect(decidedBy(report).name).to.match(/^\(a\) the failed checks were on latency/);
      expect(statuses(report)['(b)'], 'not rolled back').to.equal('fail');
    });

    it('fails good-canary on the weight steps when no version can pass the gate', async () => {
      const { result, report } = runs['good-canary']!;
      expect(result.exitCode, result.all).to.equal(1);
      expect(decidedBy(report).name).to.match(/^\(a\) the weight advanced/);
      expect(statuses(report)['(c)'], 'not Succeeded').to.equal('fail');
    });

    it("fails config-canary on config tracking when the ConfigMap is excluded from it (the bad config reaches the primary)", async () => {
      const { result, report } = runs['config-canary']!;
      expect(result.exitCode, result.all).to.equal(1);
      expect(decidedBy(report).name).to.match(/^\(a\) Flagger's config tracking/);
      expect(statuses(report)['(c)'], 'the primary serves the bad config').to.equal('fail');
    });

    it('fails no-traffic on the halt check when the canary does get traffic', async () => {
      const { result, report } = runs['no-traffic']!;
      expect(result.exitCode, result.all).to.equal(1);
      expect(decidedBy(report).name).to.match(/^\(a\) Flagger halted with "no values found"/);
    });

    it("passes bad-canary with examples/strict-gate.yaml (its MetricTemplate's halts roll the bad version back, at its pacing), and fails (a) with examples/gate-never-fails.yaml, the sabotage control", async () => {
      const { result, report } = runs['canary files']!;
      expect(result.exitCode, result.all).to.equal(1);
      const strict = entry(report, 'canary=examples/strict-gate.yaml');
      expect(strict.verdict).to.equal('pass');
      const attempt = strict.attempts[0]!;
      expect(attempt.tunables.canary).to.equal('examples/strict-gate.yaml');
      const halts = attempt.timeline.filter((e) => e.kind === 'kube-event' && /^Canary\/web Synced: Halt \S+ advancement error-rate \d/.test(e.message));
      expect(halts.length, 'halts by the file\'s error-rate template').to.be.greaterThan(0);
      expect(strict.checks.find((c) => c.name.startsWith('(a)'))?.expected).to.match(/\(2 \+ 1\) × 10 s/);
      expect(decidedBy(report, 'canary=examples/gate-never-fails.yaml').name).to.match(/^\(a\)/);
      expect(statuses(report, 'canary=examples/gate-never-fails.yaml')['(a)']).to.equal('fail');
    });

    it("fails users' scenario files on (a) with their sabotages: strict-gate-rolls-back with a gate that can never fail, reloader-restarts-once with the wrong annotation", async () => {
      for (const key of ['strict example', 'reloader example']) {
        const { result, report } = runs[key]!;
        expect(result.exitCode, result.all).to.equal(1);
        expect(decidedBy(report).name, key).to.match(/^\(a\)/);
        expect(statuses(report)['(a)'], key).to.equal('fail');
      }
    });

    it('fails, in each sabotaged run, every check each sabotage declares it fails: what --list shows as their proofs', () => {
      for (const name of ['bad-canary', 'slow-canary', 'good-canary', 'config-canary', 'no-traffic']) expectDeclaredFailures(runs[name]!.report, name);
      expectDeclaredFailures(runs['strict example']!.report, strictExample as never);
      expectDeclaredFailures(runs['reloader example']!.report, reloaderExample as never);
    });

    it('passes good-canary when a canary pod is SIGKILLed mid-analysis, and the node restarts it', async () => {
      const { result, report } = runs['pod killed']!;
      expect(result.exitCode, result.all).to.equal(0);
      expectPodKilled(report, '(d)');
    });
  });

  it('runs one after another two attempts that hold Reloader exclusively; forced to run at once (the test-only switch), they make the run exit 2 naming both', async () => {
    const dir = join(cluster.stateDir, 'holds-reloader');
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'holds-reloader.scenario.ts'),
      `import { defineScenario } from 'delivery-testbed';
export default defineScenario({
  name: 'holds-reloader',
  summary: 'holds Reloader exclusively for a few seconds',
  needs: { components: [], addons: ['reloader'] },
  holds: () => ({ reloader: 'exclusive' }),
  tunables: {},
  async run(t) {
    await t.step('given: Reloader held for 3 s', () => new Promise((r) => setTimeout(r, 3000)));
    t.check('(a) it ran alone', { expected: true, observed: true, reason: 'the scheduler holds back whatever contends' });
  },
});
`,
    );
    const apart = await run(['--scenarios', dir, '--repeat', '2']);
    expect(apart.result.exitCode, apart.result.all).to.equal(0);
    expect(apart.report.scenarios[0]!.attempts[1]!.waited?.reason).to.equal('reloader: holds-reloader #1 holds it exclusive');

    const forced = await cluster.scenario(['--scenarios', dir, '--repeat', '2'], { TESTBED_TEST_IGNORE_HOLDS: '1' });
    expect(forced.result.exitCode, forced.result.all).to.equal(2);
    const clash = 'holds-reloader #2 and holds-reloader #1 ran at once, but holds-reloader #2 holds reloader exclusive and holds-reloader #1 holds it exclusive';
    expect((forced.report.scenarios[0]!.attempts[1]!.decidedBy as { error: string }).error).to.include(clash);
    expect(forced.result.stderr).to.include(clash);
  });

  it('passes the examples through --scenarios, as the user suite, side by side', async () => {
    const { result, report } = await run(['--scenarios', 'examples']);
    expect(result.exitCode, result.all).to.equal(0);
    expect(report.scenarios.map((s) => [s.scenario, s.verdict])).to.deep.equal([['reloader-restarts-once', 'pass'], ['strict-gate-rolls-back', 'pass']]);
  });

  describe('another version of a pinned add-on or of Prometheus (--component NAME=VERSION)', () => {
    it("passes bad-canary with the previous minors of Flagger and Prometheus, built into the cache, Prometheus restarted on its port and data, and the report's versions say both were overridden", async () => {
      const buildVersion = async () => ((await (await fetch(`${(await clusterInfo()).prometheusUrl}/api/v1/status/buildinfo`)).json()) as { data: { version: string } }).data.version;
      const before = (await clusterInfo()).processes.prometheus;
      const { result, report } = await run(['bad-canary', '--component', `flagger=${previousMinors.flagger}`, '--component', `prometheus=${previousMinors.prometheus}`]);
      expect(result.exitCode, result.all).to.equal(0);
      for (const name of ['flagger', 'prometheus'] as const) {
        expect(report.versions[name]).to.match(new RegExp(`^${previousMinors[name]} \\(.*\\), --component ${name}=${previousMinors[name]} over the pin ${versions[name]}$`));
      }
      expect((await clusterInfo()).processes.prometheus, 'a new Prometheus process').to.not.equal(before);
      expect(await buildVersion()).to.equal(previousMinors.prometheus.slice(1));
    });

    it('refuses a Flagger version the module proxy does not have, naming what was tried, before any cluster work', async () => {
      const r = await runCli(['scenario', 'bad-canary', '--component', 'flagger=v1.99.0', '--name', 'never-started'], cluster.env());
      expect(r.exitCode, r.all).to.equal(2);
      expect(await stat(join(cluster.stateDir, 'clusters', 'never-started')).then(() => true, () => false), 'no cluster state made').to.equal(false);
      // After the progress lines of the fetch it tried, the one error line.
      expect(r.stderr.split('\n').find((l) => l.startsWith('error:'))).to.match(/^error: --component flagger=v1\.99\.0: flagger v1\.99\.0 cannot be had: cannot fetch github\.com\/fluxcd\/flagger@v1\.99\.0 through the Go module proxy: .*(404|410|403|unknown revision|invalid version)/);
    });
  });

  describe('under faults, as one --matrix: the verdict stays the one without the fault, or becomes error when the gate cannot judge', () => {
    const FAULTS = ['kill-canary-pod', 'partition-gateway', 'restart-controller', 'restart-apiserver', 'stop-prometheus'];
    let initially: ClusterInfo;
    let faults: ScenarioRun;
    const attempt = (fault: string) => entry(faults.report, `fault=${fault}`).attempts[0]!;
    const notes = (fault: string) => attempt(fault).timeline.filter((e) => e.kind === 'note').map((e) => e.message);
    const faultStep = (fault: string) => attempt(fault).timeline.find((e) => e.kind === 'step-begin' && e.message === `when: fault ${fault}`);
    const span = (fault: string) => ({ from: Date.parse(attempt(fault).startedAt!), to: Date.parse(attempt(fault).startedAt!) + attempt(fault).durationMs });

    before(async function () {
      this.timeout(900_000);
      initially = await clusterInfo();
      faults = await run(['bad-canary', '--matrix', `fault=${FAULTS.join(',')}`]);
    });

    it('runs the faults that hold nothing exclusively side by side, each that stops a part of the cluster alone, and says why it waited; back on the pinned versions', () => {
      expect(faults.result.exitCode, faults.result.all).to.equal(2);
      expect(faults.report.versions.flagger).to.match(new RegExp(`^${versions.flagger} \\(`));
      expect(faults.report.versions.prometheus).to.match(new RegExp(`^${versions.prometheus} \\(`));
      const overlap = (a: string, b: string) => span(a).from < span(b).to && span(b).from < span(a).to;
      expect(overlap('kill-canary-pod', 'partition-gateway'), 'kill-canary-pod and partition-gateway at once').to.equal(true);
      for (const alone of ['restart-controller', 'restart-apiserver', 'stop-prometheus']) {
        for (const other of FAULTS.filter((f) => f !== alone)) expect(overlap(alone, other), `${alone} beside ${other}`).to.equal(false);
      }
      expect(attempt('restart-controller').holds).to.include({ flagger: 'exclusive' });
      for (const alone of ['restart-controller', 'restart-apiserver', 'stop-prometheus']) {
        expect(attempt(alone).waited?.reason, alone).to.match(/^(flagger|kube-apiserver|prometheus): bad-canary \[fault=[a-z-]+\] #1 holds it (shared|exclusive)/);
      }
    });

    it('passes bad-canary when a canary pod is SIGKILLed mid-analysis, and the node restarts it', () => {
      expect(entry(faults.report, 'fault=kill-canary-pod').verdict).to.equal('pass');
      expectPodKilled({ ...faults.report, scenarios: [entry(faults.report, 'fault=kill-canary-pod')] }, '(e)');
    });

    it('passes bad-canary when Flagger is stopped for one interval mid-analysis: it resumes from the Canary status', async () => {
      expect(entry(faults.report, 'fault=restart-controller').verdict).to.equal('pass');
      expect(faultStep('restart-controller')).to.not.equal(undefined);
      expect((await clusterInfo()).processes.flagger, 'a new Flagger process').to.not.equal(initially.processes.flagger);
    });

    it("passes bad-canary when kube-apiserver is down for 5 s mid-analysis: every watch reconnects, and no check reads the gap as no event", async () => {
      expect(entry(faults.report, 'fault=restart-apiserver').verdict).to.equal('pass');
      expect(notes('restart-apiserver')).to.include.members(['fault: kube-apiserver stopped for 5 s', 'fault: kube-apiserver started again on the same port and data']);
      expect(notes('restart-apiserver').filter((n) => n.startsWith('watch gap')), 'watches that could not resume').to.deep.equal([]);
      const restartedAt = attempt('restart-apiserver').timeline.find((e) => e.message === 'fault: kube-apiserver started again on the same port and data')!.at;
      const flaggerAfter = attempt('restart-apiserver').timeline.filter((e) => e.kind === 'kube-event' && e.message.startsWith('Canary/web') && e.at > restartedAt);
      expect(flaggerAfter.map((e) => e.message).join('\n'), "Flagger's events after the restart, through the resumed watch").to.include('Rolling back');
      expect((await clusterInfo()).processes['kube-apiserver']).to.not.equal(initially.processes['kube-apiserver']);
      const status = await runCli(['cluster', 'status', '--name', cluster.name], cluster.env());
      expect(status.exitCode, status.all).to.equal(0);
    });

    it("passes bad-canary when the mesh partitions the canary for two intervals: rolled back, the partition's 503s attributed to it", () => {
      expect(entry(faults.report, 'fault=partition-gateway').verdict).to.equal('pass');
      expect(faultStep('partition-gateway')).to.not.equal(undefined);
      expect(notes('partition-gateway').some((n) => n.startsWith('fault: the mesh stops forwarding to Service web-canary for 20 s (503, response flag UH)')), notes('partition-gateway').join('\n')).to.equal(true);
      expect(notes('partition-gateway')).to.include('fault: the partition of web-canary healed');
      const injected = notes('partition-gateway').find((n) => n.startsWith('fault partition-gateway injected'));
      expect(injected).to.match(/(\d+) failed requests? during it, attributed to the fault, may legitimately move \(e\)/);
      const attributed = Number(/(\d+) failed requests? during it/.exec(injected!)![1]);
      expect(attributed, 'the partition answers 503 to the canary share of 20 s of load').to.be.greaterThan(0);
      const checks = attempt('partition-gateway').checks;
      expect(checks.find((c) => c.name.startsWith('(c)'))!.status).to.equal('pass');
      expect(String(checks.find((c) => c.name.startsWith('(e)'))!.observed)).to.include(`; ${attributed} more during fault partition-gateway, attributed to it`);
    });

    it('ends bad-canary as an error naming Prometheus when Prometheus stops mid-analysis, and starts Prometheus again after', async () => {
      expect(entry(faults.report, 'fault=stop-prometheus').verdict).to.equal('error');
      const decided = attempt('stop-prometheus').decidedBy as { kind: string; error?: string };
      expect(decided.kind).to.equal('step');
      expect(decided.error).to.match(/^Flagger could not query Prometheus \("Prometheus query failed: .*connection refused/);
      const info = await clusterInfo();
      expect(info.processes.prometheus).to.not.equal(initially.processes.prometheus);
      expect((await fetch(`${info.prometheusUrl}/-/ready`)).ok, 'Prometheus ready again').to.equal(true);
    });
  });
});

/** The timeline of a canary run whose pod was SIGKILLed: the kill, the restart, and the failed requests the fault may move. */
function expectPodKilled(report: RunReport, mayMove: string): void {
  const timeline = report.scenarios[0]!.attempts[0]!.timeline;
  const notes = timeline.filter((e) => e.kind === 'note').map((e) => e.message);
  expect(timeline.find((e) => e.kind === 'step-begin' && e.message === 'when: fault kill-canary-pod'), 'the fault on the timeline').to.not.equal(undefined);
  expect(notes.some((n) => /^fault: SIGKILL to pod web-\S+ \(1 process\)$/.test(n)), notes.join('\n')).to.equal(true);
  expect(notes.some((n) => /^the node to restart pod web-\S+ and the pod to be ready again after/.test(n))).to.equal(true);
  expect(notes.find((n) => n.startsWith('fault kill-canary-pod injected'))).to.include(`attributed to the fault, may legitimately move ${mayMove}`);
}
