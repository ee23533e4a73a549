import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Controllers } from '../../../clusters/provider.ts';
import type { EngineEvent } from '../../../harness/events.ts';
import { runScenarios } from '../../../harness/runner.ts';
import { defineScenario } from '../../../harness/scenario.ts';

const noControllers: Controllers = {
  run: async (name) => {
    throw new Error(`no ${name} in this test`);
  },
  stop: async () => {},
};

describe('scenario runner', () => {
  it('errors, naming what is missing, when the provider lacks a component the scenario needs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'testbed-runner-'));
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n');
    let ran = false;
    const scenario = defineScenario({
      name: 'needs-flagger',
      summary: 'x',
      needs: { components: ['kube-apiserver'], addons: ['flagger'] },
      tunables: {},
      async run() {
        ran = true;
      },
    });
    const events: EngineEvent[] = [];
    try {
      const verdicts = await runScenarios({ scenarios: [scenario as never], settings: {}, repeat: 1, keep: false, cluster: { provider: 'embedded', kubeconfig, versions: { 'kube-apiserver': 'v1.36.3' }, gatewayUrl: 'http://127.0.0.1:1', prometheusUrl: 'http://127.0.0.1:2', scrapeTargetsDir: '/nonexistent', processEnv: {} }, controllers: noControllers, emit: (e) => events.push(e) });
      expect(verdicts).to.deep.equal(['error']);
      expect(ran).to.equal(false);
      const end = events.find((e) => e.type === 'attempt-end');
      expect(end).to.deep.include({ verdict: 'error' });
      expect((end as { decidedBy: { name: string; error: string } }).decidedBy).to.deep.include({ name: '(setup)' });
      expect((end as { decidedBy: { error: string } }).decidedBy.error).to.equal('needs flagger, which provider embedded does not supply (it has kube-apiserver)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
