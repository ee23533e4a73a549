import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { catalog, flaggerManifests, goRecipe, versions } from '../../../clusters/components/index.ts';
import { silentProgress } from '../../../clusters/progress.ts';
import { CanaryObserver } from '../../../scenarios/canary/canary-observer.ts';
import { metricsProblem } from '../../../scenarios/canary/canary-run.ts';
import { FLAGGER, inOrder, uncombined, type FlaggerEvent } from '../../../scenarios/canary/flagger-events.ts';
import { goModuleSource } from '../../../clusters/components/module-source.ts';

const event = (message: string, at = 0): FlaggerEvent => ({ at, message, type: 'Normal' });

describe('canary scenario helpers', () => {
  it("finds Flagger's events as an ordered subsequence, naming the first missing one", () => {
    const events = ['New revision detected! Scaling up web.ns', 'Starting canary analysis for web.ns', 'Advance web.ns canary weight 5', 'Halt web.ns advancement success rate 48.00% < 99%', 'Rolling back web.ns failed checks threshold reached 2', 'Canary failed! Scaling down web.ns'].map((m) => event(m));
    const rollback: Array<[string, RegExp]> = [['new', FLAGGER.newRevision], ['halt', FLAGGER.failedCheck], ['rollback', FLAGGER.rollingBack], ['failed', FLAGGER.failed]];
    expect(inOrder(events, rollback)).to.deep.equal({ ok: true, seen: ['new', 'halt', 'rollback', 'failed'] });
    expect(inOrder([...events].reverse(), rollback)).to.deep.include({ ok: false, missing: 'halt' });
    expect(FLAGGER.advance.exec(events[2]!.message)![1]).to.equal('5');
  });

  it("reads Flagger's messages out of Events that client-go folded together", () => {
    expect(uncombined('(combined from similar events): Promotion completed! Scaling down web.ns')).to.equal('Promotion completed! Scaling down web.ns');
    expect(uncombined('Routing all traffic to primary')).to.equal('Routing all traffic to primary');
  });

  it('calls a "no values found" halt under load an environment problem, and nothing else', () => {
    const halt = 'Halt advancement no values found for istio metric request-success-rate probably web.ns is not receiving traffic: running query failed: no values found';
    expect(metricsProblem([event('Starting canary analysis for web.ns'), event(halt)], true)?.message).to.include(halt);
    expect(metricsProblem([event(halt)], false)).to.equal(undefined);
    expect(metricsProblem([event('Halt web.ns advancement success rate 48.00% < 99%')], true)).to.equal(undefined);
  });

  it("excuses a \"no values found\" halt inside a fault's traffic gap, and counts it as a failed check", () => {
    const halt = 'Halt advancement no values found for istio metric request-success-rate probably web-canary.ns is not receiving traffic: running query failed: no values found';
    const gap = { from: 1000, until: 2000 };
    expect(metricsProblem([event(halt, 1500)], true, [gap])).to.equal(undefined);
    expect(metricsProblem([event(halt, 2500)], true, [gap])?.message).to.include(halt);
    expect(FLAGGER.failedCheck.test(halt)).to.equal(true);
    expect(FLAGGER.failedCheck.test('Halt web.ns advancement success rate 48.00% < 99%')).to.equal(true);
    expect(FLAGGER.failedCheck.test('Halt advancement web-primary.ns waiting for rollout to finish')).to.equal(false);
  });

  it('calls a failed Prometheus query an environment problem naming Prometheus, with or without load', () => {
    const failed = 'Prometheus query failed: running query failed: request failed: Get "http://127.0.0.1:9090/api/v1/query": dial tcp 127.0.0.1:9090: connect: connection refused';
    for (const underLoad of [true, false]) {
      const problem = metricsProblem([event('Advance web.ns canary weight 5'), event(failed)], underLoad);
      expect(problem?.message).to.match(/^Flagger could not query Prometheus/).and.include('connection refused');
    }
    expect(metricsProblem([event('Error checking metric providers: prometheus not avaiable: Get "http://127.0.0.1:1/api/v1/status/flags": EOF')], true)?.message).to.include('Prometheus');
  });

  it("counts a MetricTemplate's or a webhook's halt as a failed check, not a wait for approval; a template's query error is the environment's", () => {
    expect(FLAGGER.failedCheck.test('Halt web.ns advancement error-rate 50.12 > 0.5')).to.equal(true);
    expect(FLAGGER.failedCheck.test('Halt advancement no values found for custom metric: error-rate: no values found')).to.equal(true);
    expect(FLAGGER.failedCheck.test('Halt web.ns advancement external check load-test failed Post "http://127.0.0.1:1/": connection refused')).to.equal(true);
    expect(FLAGGER.failedCheck.test('Halt web.ns advancement waiting for approval gate')).to.equal(false);
    expect(FLAGGER.failedCheck.test('Halt web.ns advancement waiting for promotion approval gate')).to.equal(false);
    for (const failed of ['Metric query failed for error-rate: bad_data: parse error', 'Metric template error-rate.ns error: metrictemplate.flagger.app "error-rate" not found', 'Metric template error-rate.ns query render error: template: x:1: unexpected']) {
      expect(metricsProblem([event(failed)], true)?.message, failed).to.include(failed.split(':')[0]);
    }
  });

  it("averages the canary's share of traffic over time, step-wise between polls", () => {
    const observer = new CanaryObserver(undefined as never, 'ns', 'http://127.0.0.1:1', () => {}, () => {});
    const poll = (at: number, canary: number) => ({ at, status: {}, routes: { 'web-primary': 100 - canary, 'web-canary': canary } });
    // Every 500 ms: 0 % for 10 s, 10 % for 10 s, then 0 % again.
    for (let at = 0; at <= 30_000; at += 500) observer.snapshots.push(poll(at, at >= 10_000 && at < 20_000 ? 10 : 0));
    expect(observer.meanCanaryShare(0, 40_000)).to.be.closeTo(0.025, 1e-9);
    expect(observer.maxCanaryWeight()).to.equal(10);
  });

  it('counts a gap in the polls (the API server away) at the higher weight of its two ends, never at the lower', () => {
    const observer = new CanaryObserver(undefined as never, 'ns', 'http://127.0.0.1:1', () => {}, () => {});
    const poll = (at: number, canary: number) => ({ at, status: {}, routes: { 'web-primary': 100 - canary, 'web-canary': canary } });
    // 0 % seen until 10 s, then nothing seen until 26 s, when the poll shows 5 %: Flagger advanced in the gap.
    for (let at = 0; at <= 10_000; at += 500) observer.snapshots.push(poll(at, 0));
    for (let at = 26_000; at <= 40_000; at += 500) observer.snapshots.push(poll(at, 5));
    expect(observer.meanCanaryShare(0, 40_000)).to.be.closeTo((0.05 * 30_000) / 40_000, 1e-9);
  });
});

describe('Flagger from its pinned module', () => {
  it('reads its three CRDs and its RBAC, bound to the ServiceAccount in the kustomize namespace', async () => {
    const m = await flaggerManifests(silentProgress);
    expect(m.crds.map((c) => c.metadata.name)).to.deep.equal(['canaries.flagger.app', 'metrictemplates.flagger.app', 'alertproviders.flagger.app']);
    expect(m.serviceAccount).to.deep.equal({ namespace: 'flagger-system', name: 'flagger' });
    const binding = m.access.find((o) => o.kind === 'ClusterRoleBinding') as unknown as { subjects: Array<{ namespace: string }> };
    expect(binding.subjects[0]!.namespace).to.equal('flagger-system');
    const schema = (m.crds[0]!.spec as { versions: Array<{ schema: { openAPIV3Schema: { properties: { apiVersion: { description: string } } } } }> }).versions[0]!.schema;
    expect(schema.openAPIV3Schema.properties.apiVersion.description).to.match(/^APIVersion defines .* of an object\. Servers should/);
  });

  it('still has, exactly once, the line the build patches to listen on loopback', async () => {
    for (const patch of goRecipe(catalog.flagger).sourcePatches ?? []) {
      const source = await readFile(join(await goModuleSource(patch.module, versions.flagger, silentProgress), patch.file), 'utf8');
      expect(source.split(patch.find).length - 1, `${patch.module}/${patch.file}`).to.equal(1);
    }
  });
});
