import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { stringify } from 'yaml';
import { resolveTunables, shownTunables } from '../../../harness/tunables.ts';
import { TunableError } from '../../../harness/tunable-error.ts';
import { badCanary } from '../../../scenarios/bad-canary.ts';
import { canary, metricTemplate, type FileGate } from '../../../scenarios/canary/canary-app.ts';
import { readCanaryFile } from '../../../scenarios/canary/canary-file.ts';
import { pacingFrom } from '../../../scenarios/canary/canary-tunables.ts';
import { useTempEnv } from '../../helpers/temp-env.ts';

const template = (provider: Record<string, unknown> = { type: 'prometheus', address: 'http://prometheus.istio-system:9090' }) => ({
  apiVersion: 'flagger.app/v1beta1',
  kind: 'MetricTemplate',
  metadata: { name: 'error-rate', namespace: 'istio-system' },
  spec: { provider, query: 'sum(rate(istio_requests_total[{{ interval }}]))' },
});

const canaryDoc = (spec: Record<string, unknown>) => ({
  apiVersion: 'flagger.app/v1beta1',
  kind: 'Canary',
  metadata: { name: 'podinfo' },
  spec: {
    targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
    analysis: { interval: '1m', threshold: 5, metrics: [{ name: 'error-rate', templateRef: { name: 'error-rate', namespace: 'istio-system' }, thresholdRange: { max: 1 } }] },
    ...spec,
  },
});

describe('a Canary file (--set canary=FILE)', () => {
  const temp = useTempEnv(() => ({}));
  const write = async (...docs: unknown[]) => {
    const file = join(temp.dir(), 'canary.yaml');
    await writeFile(file, docs.map((d) => (typeof d === 'string' ? d : stringify(d))).join('---\n'));
    return file;
  };
  const refused = async (docs: unknown[], message: string | RegExp) => {
    const file = await write(...docs);
    const read = () => readCanaryFile(file);
    expect(read).to.throw(TunableError);
    try {
      read();
    } catch (err) {
      const text = (err as Error).message;
      if (typeof message === 'string') expect(text).to.equal(`${file}: ${message}`);
      else expect(text).to.match(message);
    }
  };

  it('takes the analysis, its templates and its pacing; the templateRef loses its namespace with the move', async () => {
    const gate = readCanaryFile(await write(template(), canaryDoc({})));
    expect(gate.pacing).to.deep.equal({ interval: 60, threshold: 5 });
    expect(gate.analysis).to.deep.equal({ metrics: [{ name: 'error-rate', templateRef: { name: 'error-rate' }, thresholdRange: { max: 1 } }] });
    expect(gate.templates.map((t) => t.metadata)).to.deep.equal([{ name: 'error-rate' }]);
    expect(gate.thresholds).to.deep.equal({});
  });

  it('reads both examples, the strict gate and its sabotage control', () => {
    const strict = readCanaryFile('examples/strict-gate.yaml');
    expect(strict.thresholds).to.deep.equal({ maxP99Ms: 300 });
    expect(strict.pacing).to.deep.equal({ interval: 10, threshold: 2, stepWeight: 10, maxWeight: 30 });
    const never = readCanaryFile('examples/gate-never-fails.yaml');
    expect(never.analysis.metrics).to.deep.equal([{ name: 'error-rate', templateRef: { name: 'error-rate' }, thresholdRange: { max: 100 }, interval: '30s' }]);
  });

  it("becomes the scenario's Canary on the demo app, its pacing over the tunables', its templates at the cluster's Prometheus", async () => {
    const gate = readCanaryFile(await write(template(), canaryDoc({ skipAnalysis: true, service: { port: 9898 } })));
    const pacing = pacingFrom({ interval: 10, threshold: 2, stepWeight: 5, maxWeight: 20, canary: gate });
    expect(pacing).to.deep.equal({ interval: 60, threshold: 5, stepWeight: 5, maxWeight: 20 });
    const c = canary('ns', { ...pacing, gate }) as unknown as { spec: Record<string, unknown> };
    expect(c.spec.targetRef).to.deep.equal({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' });
    expect(c.spec.skipAnalysis).to.equal(true);
    expect(c.spec.service).to.deep.include({ port: 80 });
    expect(c.spec.analysis).to.deep.equal({ interval: '60s', threshold: 5, stepWeight: 5, maxWeight: 20, metrics: gate.analysis.metrics });
    const applied = metricTemplate('ns', gate.templates[0]!, 'http://127.0.0.1:9090');
    expect(applied.metadata).to.deep.equal({ name: 'error-rate', namespace: 'ns' });
    expect(applied.spec).to.deep.include({ provider: { type: 'prometheus', address: 'http://127.0.0.1:9090' } });
  });

  it('is a file tunable: read before the run, shown in reports as its path, unset by default', async () => {
    const file = await write(template(), canaryDoc({}));
    const values = resolveTunables('bad-canary', badCanary.tunables, { canary: file });
    expect((values.canary as FileGate).pacing.interval).to.equal(60);
    expect(shownTunables(badCanary.tunables, values, { canary: file }).canary).to.equal(file);
    expect(resolveTunables('bad-canary', badCanary.tunables, {}).canary).to.equal(undefined);
    expect(() => resolveTunables('bad-canary', badCanary.tunables, { canary: join(temp.dir(), 'missing.yaml') })).to.throw(
      TunableError,
      `scenario bad-canary: --set canary=${join(temp.dir(), 'missing.yaml')}: cannot read ${join(temp.dir(), 'missing.yaml')} (ENOENT)`,
    );
  });

  describe('that cannot work is refused, naming the object and the field', () => {
    it('a Canary without targetRef', () => refused([template(), canaryDoc({ targetRef: undefined })], 'Canary podinfo: spec.targetRef is missing: Flagger needs the Deployment it rolls out'));
    it('a target that is not a Deployment', () => refused([canaryDoc({ targetRef: { kind: 'DaemonSet', name: 'x' }, analysis: {} })], 'Canary podinfo: spec.targetRef.kind is "DaemonSet": the canary scenarios roll out a Deployment'));
    it('a MetricTemplate whose provider is not Prometheus', () =>
      refused([template({ type: 'datadog' }), canaryDoc({})], `MetricTemplate error-rate: spec.provider.type is "datadog": the harness's metrics (Istio's, from the mesh) are in Prometheus, so only "prometheus" can work`));
    it('a MetricTemplate with credentials', () =>
      refused([template({ type: 'prometheus', secretRef: { name: 'prom-auth' } }), canaryDoc({})], /MetricTemplate error-rate: spec\.provider\.secretRef is set/));
    it('a templateRef to a template not in the file', () =>
      refused([canaryDoc({})], 'Canary podinfo: spec.analysis.metrics[0].templateRef names MetricTemplate "error-rate", which is not in the file (it has: none)'));
    it('a metric that is neither builtin nor templated', () =>
      refused([canaryDoc({ analysis: { metrics: [{ name: 'apdex' }] } })], /spec\.analysis\.metrics\[0\]\.name is "apdex", which is not one of Flagger's builtin checks \(request-success-rate, request-duration\)/));
    it('a webhook off loopback', () =>
      refused([canaryDoc({ analysis: { webhooks: [{ name: 'load', url: 'http://flagger-loadtester.test/' }] } })], 'Canary podinfo: spec.analysis.webhooks[0].url is "http://flagger-loadtester.test/": the harness lets Flagger call only http(s) URLs on 127.0.0.0/8'));
    it('an A/B analysis', () => refused([canaryDoc({ analysis: { iterations: 10 } })], /spec\.analysis\.iterations makes it a blue\/green or A\/B analysis/));
    it('alerts', () => refused([canaryDoc({ analysis: { alerts: [{ name: 'slack' }] } })], /spec\.analysis\.alerts would send alerts to chat services/));
    it('pacing out of range', () => refused([canaryDoc({ analysis: { interval: '5s' } })], 'Canary podinfo: spec.analysis.interval is "5s": must be between 10 and 300 s'));
    it('a threshold that is not a number', () => refused([canaryDoc({ analysis: { threshold: 'two' } })], 'Canary podinfo: spec.analysis.threshold is "two": expected a number'));
    it('a missing analysis', () => refused([canaryDoc({ analysis: undefined })], 'Canary podinfo: spec.analysis is missing: it is the gate under test'));
    it('anything but one Canary and its templates', () =>
      refused([template(), { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }], 'expected one Canary and its MetricTemplates (flagger.app/v1beta1), found MetricTemplate (flagger.app/v1beta1), Service (v1)'));
    it('YAML that does not parse, by line', () => refused(['kind: Canary\nspec:\n  analysis: [unclosed\n'], /:\d+: /));
  });
});
