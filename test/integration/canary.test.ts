import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { previousMinors, versions } from '../../clusters/components/index.ts';
import type { ClusterInfo } from '../../clusters/embedded/index.ts';
import { scenarioAnchor, type RunReport } from '../../reports/index.ts';
import { defaultSuite } from '../../scenarios/index.ts';
import { runCli, waitFor } from '../helpers/cli.ts';
import { filesUnder } from '../helpers/files-under.ts';
import { ourListeners, type Listener } from '../helpers/listeners.ts';
import { closeBrowser, openReport } from '../helpers/report-browser.ts';
import { testStateDir } from '../helpers/test-state.ts';


describe('canary scenarios with the real Flagger on the embedded cluster (integration)', function () {
  this.timeout(600_000);
  let stateDir = '';
  const name = `canary-${process.pid}`;
  const env = () => ({ TESTBED_STATE_DIR: stateDir });
  const run = async (args: string[]) => {
    const reportDir = join(stateDir, `report-${Math.random().toString(36).slice(2)}`);
    const started = Date.now();
    const result = await runCli(['scenario', ...args, '--name', name, '--report-dir', reportDir], env());
    const report = JSON.parse(await readFile(join(reportDir, 'report.json'), 'utf8')) as RunReport;
    return { result, report, reportDir, seconds: (Date.now() - started) / 1000 };
  };
  const decidedBy = (report: RunReport) => report.scenarios[0]!.attempts[0]!.decidedBy as { kind: string; name?: string };
  const clusterInfo = async () => JSON.parse(await readFile(join(stateDir, 'clusters', name, 'cluster.json'), 'utf8')) as ClusterInfo;
  /** Each check's status by its letter: `(a)` → `fail`. */
  const statuses = (report: RunReport) => Object.fromEntries(report.scenarios[0]!.checks.map((c) => [c.name.slice(0, 3), c.status]));

  before(async () => {
    stateDir = await testStateDir('canary');
    const up = await runCli(['cluster', 'up', '--name', name], env());
    expect(up.exitCode, up.all).to.equal(0);
  });

  after(async () => {
    await closeBrowser();
    await runCli(['cluster', 'down', '--name', name], env());
    await rm(stateDir, { recursive: true, force: true });
  });

  it('passes the default suite within 9 minutes, every listener of ours on loopback, with Flagger shown in the report and the series charts need, config-change side by side, and no Secret value leaked', async function () {
    this.timeout(900_000);
    const listeners: Listener[] = [];
    let running = true;
    const sampling = (async () => {
      while (running) {
        listeners.push(...(await ourListeners(stateDir)));
        await new Promise((r) => setTimeout(r, 2000));
      }
    })();
    const { result, report, reportDir, seconds } = await run([]).finally(() => (running = false));
    await sampling;
    expect(result.exitCode, result.all).to.equal(0);
    expect(report.scenarios.map((s) => [s.scenario, s.verdict])).to.deep.equal(defaultSuite.map((n) => [n, 'pass']));
    expect(seconds).to.be.below(540);
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
    const clusterDir = join(stateDir, 'clusters', name);
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

  it('fails bad-canary on the not-promoted check when the Canary has no metrics (it promotes anything)', async () => {
    const { result, report } = await run(['bad-canary', '--set', 'sabotage=no-metrics']);
    expect(result.exitCode, result.all).to.equal(1);
    expect(decidedBy(report).name).to.match(/^\(a\) rolled back/);
    expect(statuses(report)['(d)'], 'the bad version was promoted').to.equal('fail');
    const diagnostics = report.scenarios[0]!.attempts[0]!.diagnostics;
    expect(diagnostics, 'diagnostics of the failed attempt').to.not.equal(undefined);
    const { events, logs, objects, problems } = diagnostics!;
    const why = `problems: ${problems.join('; ') || 'none'}`;
    expect(events.length, why).to.be.above(0);
    expect((objects.find((o) => o.kind === 'Canary')?.state as { phase?: string } | undefined)?.phase, why).to.be.a('string').and.not.equal('');
    expect(logs.find((l) => l.name === 'flagger')?.lines.length, why).to.be.above(0);
    expect((objects.find((o) => o.kind === 'VirtualService')?.state as { http?: unknown[] } | undefined)?.http?.length, why).to.be.above(0);
  });

  it('fails bad-canary on the rollback bound when the threshold never lets Flagger roll back', async () => {
    const { result, report } = await run(['bad-canary', '--set', 'sabotage=huge-threshold']);
    expect(result.exitCode, result.all).to.equal(1);
    expect(decidedBy(report).name).to.match(/^\(a\) rolled back within/);
  });

  it('fails slow-canary on the request-duration check when the gate has none (the slow version goes through)', async () => {
    const { result, report } = await run(['slow-canary', '--set', 'sabotage=no-duration-check']);
    expect(result.exitCode, result.all).to.equal(1);
    expect(decidedBy(report).name).to.match(/^\(a\) the failed checks were on latency/);
    expect(statuses(report)['(b)'], 'not rolled back').to.equal('fail');
  });

  it('fails good-canary on the weight steps when no version can pass the gate', async () => {
    const { result, report } = await run(['good-canary', '--set', 'sabotage=impossible-gate']);
    expect(result.exitCode, result.all).to.equal(1);
    expect(decidedBy(report).name).to.match(/^\(a\) the weight advanced/);
    expect(statuses(report)['(c)'], 'not Succeeded').to.equal('fail');
  });

  it("fails config-canary on config tracking when the ConfigMap is excluded from it (the bad config reaches the primary)", async () => {
    const { result, report } = await run(['config-canary', '--set', 'sabotage=untracked']);
    expect(result.exitCode, result.all).to.equal(1);
    expect(decidedBy(report).name).to.match(/^\(a\) Flagger's config tracking/);
    expect(statuses(report)['(c)'], 'the primary serves the bad config').to.equal('fail');
  });

  it('fails no-traffic on the halt check when the canary does get traffic', async () => {
    const { result, report } = await run(['no-traffic', '--set', 'sabotage=traffic']);
    expect(result.exitCode, result.all).to.equal(1);
    expect(decidedBy(report).name).to.match(/^\(a\) Flagger halted with "no values found"/);
  });

  describe("users' scenario files, as examples/ holds them", () => {
    it('passes the examples through --scenarios, as the user suite', async () => {
      const { result, report } = await run(['--scenarios', 'examples']);
      expect(result.exitCode, result.all).to.equal(0);
      expect(report.scenarios.map((s) => [s.scenario, s.verdict])).to.deep.equal([['reloader-restarts-once', 'pass'], ['strict-gate-rolls-back', 'pass']]);
    });

    it('fails strict-gate-rolls-back on (a) with a gate that can never fail, and reloader-restarts-once on (a) with the wrong annotation', async () => {
      for (const [scenario, sabotage] of [['strict-gate-rolls-back', 'gate-never-fails'], ['reloader-restarts-once', 'wrong-annotation']] as const) {
        const { result, report } = await run(['--scenarios', 'examples', scenario, '--set', `sabotage=${sabotage}`]);
        expect(result.exitCode, result.all).to.equal(1);
        expect(decidedBy(report).name, scenario).to.match(/^\(a\)/);
        expect(statuses(report)['(a)']).to.equal('fail');
      }
    });
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
      const r = await runCli(['scenario', 'bad-canary', '--component', 'flagger=v1.99.0', '--name', 'never-started'], env());
      expect(r.exitCode, r.all).to.equal(2);
      expect(await stat(join(stateDir, 'clusters', 'never-started')).then(() => true, () => false), 'no cluster state made').to.equal(false);
      // After the progress lines of the fetch it tried, the one error line.
      expect(r.stderr.split('\n').find((l) => l.startsWith('error:'))).to.match(/^error: --component flagger=v1\.99\.0: flagger v1\.99\.0 cannot be had: cannot fetch github\.com\/fluxcd\/flagger@v1\.99\.0 through the Go module proxy: .*(404|410|403|unknown revision|invalid version)/);
    });
  });

  describe("users' Canary files: their analysis as the gate (--set canary=FILE)", () => {
    it("passes bad-canary with examples/strict-gate.yaml: its MetricTemplate's halts roll the bad version back, at its pacing", async () => {
      const { result, report } = await run(['bad-canary', '--set', 'canary=examples/strict-gate.yaml']);
      expect(result.exitCode, result.all).to.equal(0);
      const attempt = report.scenarios[0]!.attempts[0]!;
      expect(attempt.tunables.canary).to.equal('examples/strict-gate.yaml');
      // After the --component runs above on this cluster, a run without them is back on the pins.
      expect(report.versions.flagger).to.match(new RegExp(`^${versions.flagger} \\(`));
      expect(report.versions.prometheus).to.match(new RegExp(`^${versions.prometheus} \\(`));
      const halts = attempt.timeline.filter((e) => e.kind === 'kube-event' && /^Canary\/web Synced: Halt \S+ advancement error-rate \d/.test(e.message));
      expect(halts.length, 'halts by the file\'s error-rate template').to.be.greaterThan(0);
      expect(report.scenarios[0]!.checks.find((c) => c.name.startsWith('(a)'))?.expected).to.match(/\(2 \+ 1\) × 10 s/);
    });

    it('fails bad-canary on (a) with examples/gate-never-fails.yaml, the sabotage control: the bad version is promoted', async () => {
      const { result, report } = await run(['bad-canary', '--set', 'canary=examples/gate-never-fails.yaml']);
      expect(result.exitCode, result.all).to.equal(1);
      expect(decidedBy(report).name).to.match(/^\(a\)/);
      expect(statuses(report)['(a)']).to.equal('fail');
    });
  });

  describe('under faults: the verdict stays the one without the fault, or becomes error when the gate cannot judge', () => {
    const notes = (report: RunReport) => report.scenarios[0]!.attempts[0]!.timeline.filter((e) => e.kind === 'note').map((e) => e.message);
    const faultStep = (report: RunReport, fault: string) => report.scenarios[0]!.attempts[0]!.timeline.find((e) => e.kind === 'step-begin' && e.message === `when: fault ${fault}`);

    it('passes bad-canary and good-canary when a canary pod is SIGKILLed mid-analysis, and the node restarts it', async () => {
      for (const scenario of ['bad-canary', 'good-canary']) {
        const { result, report } = await run([scenario, '--set', 'fault=kill-canary-pod']);
        expect(result.exitCode, result.all).to.equal(0);
        expect(faultStep(report, 'kill-canary-pod'), 'the fault on the timeline').to.not.equal(undefined);
        expect(notes(report).some((n) => /^fault: SIGKILL to pod web-\S+ \(1 process\)$/.test(n)), notes(report).join('\n')).to.equal(true);
        expect(notes(report).some((n) => /^the node to restart pod web-\S+ and the pod to be ready again after/.test(n))).to.equal(true);
        expect(notes(report).find((n) => n.startsWith('fault kill-canary-pod injected'))).to.match(/failed requests? during it, attributed to the fault, may legitimately move \((e|d)\)/);
      }
    });

    it('passes bad-canary when Flagger is stopped for one interval mid-analysis: it resumes from the Canary status', async () => {
      const before = (await clusterInfo()).processes.flagger;
      const { result, report } = await run(['bad-canary', '--set', 'fault=restart-controller']);
      expect(result.exitCode, result.all).to.equal(0);
      expect(faultStep(report, 'restart-controller')).to.not.equal(undefined);
      expect((await clusterInfo()).processes.flagger, 'a new Flagger process').to.not.equal(before);
    });

    it("passes bad-canary when kube-apiserver is down for 5 s mid-analysis: every watch reconnects, and no check reads the gap as no event", async () => {
      const before = (await clusterInfo()).processes['kube-apiserver'];
      const { result, report } = await run(['bad-canary', '--set', 'fault=restart-apiserver']);
      expect(result.exitCode, result.all).to.equal(0);
      expect(notes(report)).to.include.members(['fault: kube-apiserver stopped for 5 s', 'fault: kube-apiserver started again on the same port and data']);
      expect(notes(report).filter((n) => n.startsWith('watch gap')), 'watches that could not resume').to.deep.equal([]);
      const restartedAt = report.scenarios[0]!.attempts[0]!.timeline.find((e) => e.message === 'fault: kube-apiserver started again on the same port and data')!.at;
      const flaggerAfter = report.scenarios[0]!.attempts[0]!.timeline.filter((e) => e.kind === 'kube-event' && e.message.startsWith('Canary/web') && e.at > restartedAt);
      expect(flaggerAfter.map((e) => e.message).join('\n'), "Flagger's events after the restart, through the resumed watch").to.include('Rolling back');
      const info = await clusterInfo();
      expect(info.processes['kube-apiserver']).to.not.equal(before);
      const status = await runCli(['cluster', 'status', '--name', name], env());
      expect(status.exitCode, status.all).to.equal(0);
    });

    it("passes bad-canary when the mesh partitions the canary for two intervals: rolled back, the partition's 503s attributed to it", async () => {
      const { result, report } = await run(['bad-canary', '--set', 'fault=partition-gateway']);
      expect(result.exitCode, result.all).to.equal(0);
      expect(faultStep(report, 'partition-gateway')).to.not.equal(undefined);
      expect(notes(report).some((n) => n.startsWith('fault: the mesh stops forwarding to Service web-canary for 20 s (503, response flag UH)')), notes(report).join('\n')).to.equal(true);
      expect(notes(report)).to.include('fault: the partition of web-canary healed');
      const injected = notes(report).find((n) => n.startsWith('fault partition-gateway injected'));
      expect(injected).to.match(/(\d+) failed requests? during it, attributed to the fault, may legitimately move \(e\)/);
      const attributed = Number(/(\d+) failed requests? during it/.exec(injected!)![1]);
      expect(attributed, 'the partition answers 503 to the canary share of 20 s of load').to.be.greaterThan(0);
      const checks = report.scenarios[0]!.attempts[0]!.checks;
      expect(checks.find((c) => c.name.startsWith('(c)'))!.status).to.equal('pass');
      expect(String(checks.find((c) => c.name.startsWith('(e)'))!.observed)).to.include(`; ${attributed} more during fault partition-gateway, attributed to it`);
    });

    it('ends bad-canary as an error naming Prometheus when Prometheus stops mid-analysis, and starts Prometheus again after', async () => {
      const before = (await clusterInfo()).processes.prometheus;
      const { result, report } = await run(['bad-canary', '--set', 'fault=stop-prometheus']);
      expect(result.exitCode, result.all).to.equal(2);
      expect(report.scenarios[0]!.verdict).to.equal('error');
      const decided = report.scenarios[0]!.attempts[0]!.decidedBy as { kind: string; error?: string };
      expect(decided.kind).to.equal('step');
      expect(decided.error).to.match(/^Flagger could not query Prometheus \("Prometheus query failed: .*connection refused/);
      const info = await clusterInfo();
      expect(info.processes.prometheus).to.not.equal(before);
      expect((await fetch(`${info.prometheusUrl}/-/ready`)).ok, 'Prometheus ready again').to.equal(true);
    });
  });
});
