import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'junit2json';
import type { EngineEvent } from '../../../harness/events.ts';
import { fanOut } from '../../../harness/reporter-fanout.ts';
import { FileReporter, RunReportBuilder, renderJson, renderJunit, type RunReport } from '../../../reports/index.ts';

const at = '2026-01-01T00:00:00.000Z';
const id = (attempt: number) => ({ scenario: 'demo', attempt });

/** Two attempts: check "steady" passes both times, "wobbly" passes once and fails once, "absent" is skipped. */
function events(): EngineEvent[] {
  const attempt = (n: number, wobbly: 'pass' | 'fail'): EngineEvent[] => [
    { type: 'attempt-begin', id: id(n), at: new Date().toISOString(), namespace: `tb-demo-${n}`, holds: {}, tunables: { replicas: 3 } },
    { type: 'step-begin', id: id(n), step: 'deploy' },
    { type: 'step-end', id: id(n), step: 'deploy', ok: true, durationMs: 5 },
    { type: 'check', id: id(n), check: { name: 'steady', status: 'pass', expected: 1, observed: 1, reason: 'r', at } },
    { type: 'check', id: id(n), check: { name: 'wobbly', status: wobbly, expected: 0, observed: wobbly === 'pass' ? 0 : 7, reason: 'errors seen by users', at } },
    { type: 'check', id: id(n), check: { name: 'absent', status: 'skipped', expected: null, observed: null, reason: 'kubectl is not on PATH', at } },
    { type: 'attempt-end', id: id(n), verdict: wobbly, decidedBy: wobbly === 'pass' ? { kind: 'checks' } : { kind: 'check', name: 'wobbly' }, durationMs: 1000, metrics: {} },
  ];
  return [
    { type: 'run-begin', scenarios: ['demo'], repeat: 2, workers: 1, provider: 'embedded', versions: { kubernetes: 'v1.36.3' } },
    ...attempt(1, 'pass'),
    ...attempt(2, 'fail'),
    { type: 'run-end', durationMs: 2000 },
  ];
}

describe('reports', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'testbed-reports-'));
    const builder = new RunReportBuilder();
    const reporters = fanOut([builder, new FileReporter(builder, join(dir, 'report.json'), renderJson), new FileReporter(builder, join(dir, 'junit.xml'), renderJunit), { onEvent: () => { throw new Error('broken reporter'); } }], () => {});
    for (const e of events()) reporters.emit(e);
    await reporters.finish();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('report.json carries versions, verdict, pass rate, flakiness, checks and the timeline of each attempt', async () => {
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as RunReport;
    expect(report).to.include({ schemaVersion: 1, provider: 'embedded', verdict: 'fail', durationMs: 2000 });
    expect(report.versions).to.deep.equal({ kubernetes: 'v1.36.3' });
    const [scenario] = report.scenarios;
    expect(scenario).to.include({ scenario: 'demo', verdict: 'fail', passRate: 0.5, flaky: true });
    expect(scenario!.checks.map((c) => [c.name, c.status])).to.deep.equal([['steady', 'pass'], ['wobbly', 'fail'], ['absent', 'skipped']]);
    expect(scenario!.attempts[1]).to.deep.include({ attempt: 2, verdict: 'fail', decidedBy: { kind: 'check', name: 'wobbly' } });
    expect(scenario!.attempts[0]!.steps).to.deep.equal([{ name: 'deploy', ok: true, durationMs: 5 }]);
  });

  it('junit.xml parses as JUnit: a suite per scenario, a case per check, flaky and skipped marked', async () => {
    const parsed = (await parse(await readFile(join(dir, 'junit.xml'), 'utf8'))) as {
      tests: number;
      testsuite: Array<{ name: string; tests: number; skipped: number; testcase: Array<{ name: string; skipped?: unknown[]; properties?: Array<{ name: string; value: string }>; [k: string]: unknown }> }>;
    };
    expect(parsed.tests).to.equal(3);
    const [suite] = parsed.testsuite;
    expect(suite).to.include({ name: 'demo', tests: 3, skipped: 1 });
    const byName = Object.fromEntries(suite!.testcase.map((c) => [c.name, c]));
    expect(byName.steady).to.not.have.property('failure');
    expect(byName.absent!.skipped).to.have.length(1);
    expect(JSON.stringify(byName.wobbly)).to.include('attempt 2: expected 0, observed 7');
    expect(byName.wobbly!.properties).to.deep.include({ name: 'flaky', value: 'true' });
  });
});

describe('reports of checks with variants', () => {
  const check = (name: string, variant: string, status: 'pass' | 'fail' | 'skipped') => ({ type: 'check', id: id(1), check: { name, variant, status, expected: 1, observed: status === 'fail' ? 2 : 1, reason: 'r', at, chain: ['change', 'hash', 'ReplicaSet web-1'] } }) as const;
  const run = (): RunReport => {
    const builder = new RunReportBuilder();
    const all: EngineEvent[] = [
      { type: 'run-begin', scenarios: ['demo'], repeat: 1, workers: 1, provider: 'embedded', versions: {} },
      { type: 'attempt-begin', id: id(1), at: new Date().toISOString(), namespace: 'tb-demo-1', holds: {}, tunables: {} },
      check('(a) one rollout', 'reloader', 'pass'),
      check('(b) right hash', 'reloader', 'pass'),
      check('(a) one rollout', 'kustomize', 'fail'),
      check('(b) right hash', 'kustomize', 'pass'),
      check('(a) one rollout', 'wave', 'skipped'),
      { type: 'attempt-end', id: id(1), verdict: 'fail', decidedBy: { kind: 'check', name: '(a) one rollout' }, durationMs: 1, metrics: {} },
      { type: 'run-end', durationMs: 1 },
    ];
    for (const e of all) builder.onEvent(e);
    return builder.report!;
  };

  it('puts them side by side, a column per variant', () => {
    expect(run().scenarios[0]!.attempts[0]!.matrix).to.deep.equal({
      variants: ['reloader', 'kustomize', 'wave'],
      rows: [
        { check: '(a) one rollout', results: { reloader: 'pass', kustomize: 'fail', wave: 'skipped' } },
        { check: '(b) right hash', results: { reloader: 'pass', kustomize: 'pass' } },
      ],
    });
  });

  it('makes one JUnit test case per check and variant, the failure carrying its chain', async () => {
    const junit = (await parse(renderJunit(run()))) as { testsuite: Array<{ testcase: Array<{ name: string; failure?: Array<{ inner: string }>; skipped?: unknown }> }> };
    const cases = junit.testsuite[0]!.testcase;
    expect(cases.map((c) => c.name)).to.deep.equal(['(a) one rollout [reloader]', '(b) right hash [reloader]', '(a) one rollout [kustomize]', '(b) right hash [kustomize]', '(a) one rollout [wave]']);
    expect(cases[2]!.failure![0]!.inner).to.include('chain: change → hash → ReplicaSet web-1');
    expect(cases[4]!.skipped).to.not.equal(undefined);
  });
});

describe('reports of a failed attempt with diagnostics', () => {
  const diagnostics = {
    collectedAt: at,
    events: [{ at, type: 'Warning', reason: 'Synced', object: 'Canary/web', message: 'Rolling back web', count: 2 }],
    logs: [{ name: 'flagger', source: '/state/logs/flagger.log', lines: ['Halt advancement'] }],
    objects: [{ kind: 'Canary', name: 'web', state: { phase: 'Failed' } }],
    problems: [],
  };
  const run = (): RunReport => {
    const builder = new RunReportBuilder();
    const all: EngineEvent[] = [
      { type: 'run-begin', scenarios: ['demo'], repeat: 2, workers: 1, provider: 'embedded', versions: {} },
      { type: 'attempt-begin', id: id(1), at: new Date().toISOString(), namespace: 'tb-demo-1', holds: {}, tunables: {} },
      { type: 'check', id: id(1), check: { name: 'rolled back', status: 'fail', expected: true, observed: false, reason: 'r', at } },
      { type: 'diagnostics', id: id(1), diagnostics },
      { type: 'attempt-end', id: id(1), verdict: 'fail', decidedBy: { kind: 'check', name: 'rolled back' }, durationMs: 1, metrics: {} },
      { type: 'attempt-begin', id: id(2), at: new Date().toISOString(), namespace: 'tb-demo-2', holds: {}, tunables: {} },
      { type: 'check', id: id(2), check: { name: 'rolled back', status: 'pass', expected: true, observed: true, reason: 'r', at } },
      { type: 'attempt-end', id: id(2), verdict: 'pass', decidedBy: { kind: 'checks' }, durationMs: 1, metrics: {} },
      { type: 'run-end', durationMs: 2 },
    ];
    for (const e of all) builder.onEvent(e);
    return builder.report!;
  };

  it('keeps them on the attempt they were collected for, and only there', () => {
    const [failed, passed] = run().scenarios[0]!.attempts;
    expect(failed!.diagnostics).to.deep.equal(diagnostics);
    expect(passed).not.to.have.property('diagnostics');
  });
});
