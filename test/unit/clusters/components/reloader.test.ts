import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { catalog, goRecipe, RELOADER_LISTEN_ENV, RELOADER_NAMESPACE, reloaderManifests, versions } from '../../../../clusters/components/index.ts';
import { goModuleSource } from '../../../../clusters/components/module-source.ts';
import { silentProgress } from '../../../../clusters/progress.ts';

describe('Reloader from its pinned module', () => {
  it('still has, exactly once, the listener line the build patches to loopback', async () => {
    const patches = goRecipe(catalog.reloader).sourcePatches ?? [];
    expect(patches).to.have.length(1);
    for (const patch of patches) {
      const source = await readFile(join(await goModuleSource(patch.module, versions.reloader, silentProgress), patch.file), 'utf8');
      expect(source.split(patch.find).length - 1, `${patch.module}/${patch.file}`).to.equal(1);
      expect(patch.replace).to.include(`os.Getenv("${RELOADER_LISTEN_ENV}")`).and.to.include('"127.0.0.1" + constants.DefaultHttpListenAddr');
    }
  });

  it("reads upstream's ClusterRole and Deployment, moved with the ServiceAccount into its own namespace", async () => {
    const m = await reloaderManifests(silentProgress);
    expect(m.serviceAccount).to.deep.equal({ namespace: RELOADER_NAMESPACE, name: 'reloader-reloader' });
    const role = m.access.find((o) => o.kind === 'ClusterRole') as unknown as { rules: Array<{ resources: string[]; verbs: string[] }> };
    expect(role.rules.find((r) => r.resources.includes('configmaps'))!.verbs).to.include.members(['list', 'get', 'watch']);
    expect(role.rules.find((r) => r.resources.includes('deployments'))!.verbs).to.include.members(['update', 'patch']);
    const binding = m.access.find((o) => o.kind === 'ClusterRoleBinding') as unknown as { subjects: Array<{ namespace: string }> };
    expect(binding.subjects[0]!.namespace).to.equal(RELOADER_NAMESPACE);
    expect(m.access.filter((o) => o.metadata.namespace !== undefined).every((o) => o.metadata.namespace === RELOADER_NAMESPACE)).to.equal(true);
    expect(m.deployment.metadata.namespace).to.equal(RELOADER_NAMESPACE);
    expect(JSON.stringify(m.deployment)).to.include(`ghcr.io/stakater/reloader:${versions.reloader}`);
  });
});
