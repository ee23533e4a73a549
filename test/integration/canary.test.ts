import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { RunReport } from '../../reports/index.ts';
import { runCli } from '../helpers/cli.ts';
import { testStateDir } from '../helpers/test-state.ts';

const CANARIES = ['bad-canary', 'slow-canary', 'good-canary', 'config-canary', 'no-traffic'];

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
    return { result, report, seconds: (Date.now() - started) / 1000 };
  };
  const decidedBy = (report: RunReport) => report.scenarios[0]!.attempts[0]!.decidedBy as { kind: string; name?: string };
  /** Each check's status by its letter: `(a)` → `fail`. */
  const statuses = (report: RunReport) => Object.fromEntries(report.scenarios[0]!.checks.map((c) => [c.name.slice(0, 3), c.status]));

  before(async () => {
    stateDir = await testStateDir('canary');
    const up = await runCli(['cluster', 'up', '--name', name], env());
    expect(up.exitCode, up.all).to.equal(0);
  });

  after(async () => {
    await runCli(['cluster', 'down', '--name', name], env());
    await rm(stateDir, { recursive: true, force: true });
  });

  it('passes all five canary scenarios within 6 minutes, with Flagger shown in the report and the series charts need', async () => {
    const { result, report, seconds } = await run(CANARIES);
    expect(result.exitCode, result.all).to.equal(0);
    expect(report.scenarios.map((s) => [s.scenario, s.verdict])).to.deep.equal(CANARIES.map((n) => [n, 'pass']));
    expect(seconds).to.be.below(360);
    expect(report.versions.flagger).to.match(/^v1\.44\.0/);
    const bad = report.scenarios[0]!.attempts[0]!;
    const series = new Set(bad.timeline.filter((e) => e.kind === 'sample').map((e) => e.data!.series));
    expect([...series]).to.include.members(['canary weight', 'success rate %', 'p99 ms', 'load rps', 'load errors', 'canary phase']);
    expect(bad.timeline.some((e) => e.kind === 'kube-event' && e.message.startsWith('Canary/web Synced: ') && e.message.includes('Rolling back'))).to.equal(true, "Flagger's events on the timeline");
  });

  it('fails bad-canary on the not-promoted check when the Canary has no metrics (it promotes anything)', async () => {
    const { result, report } = await run(['bad-canary', '--set', 'sabotage=no-metrics']);
    expect(result.exitCode, result.all).to.equal(1);
    expect(decidedBy(report).name).to.match(/^\(a\) rolled back/);
    expect(statuses(report)['(d)'], 'the bad version was promoted').to.equal('fail');
  });

  it('fails bad-canary on the rollback bound when the threshold never lets Flagger roll back', async () => {
    const { result, report } = await run(['bad-canary', '--set', 'sabotage=huge-threshold']);
    expect(result.exitCode, result.all).to.equal(1);
    expect(decidedBy(report).name).to.match(/^\(a\) rolled back within/);
  });

  it('fails slow-canary on the request-duration check when the gate has none (the slow version goes through)', async () => {
    const { result, report } = await run(['slow-canary', '--set', 'sabotage=no-duration-check']);
    expect(result.exitCode, result.all).to.equal(1);
    expect(decidedBy(report).name).to.match(/^\(a\) the failed checks were request duration/);
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
});
