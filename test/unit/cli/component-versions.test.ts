import { expect } from 'chai';
import { catalog, componentOf, goRecipe } from '../../../clusters/components/index.ts';
import { silentProgress } from '../../../clusters/progress.ts';
import { componentVersions } from '../../../cli/component-versions.ts';
import { UsageError } from '../../../cli/usage-error.ts';

describe('--component NAME=VERSION', () => {
  it("builds flagger and reloader at the asked version from their wrapper module, with the pin's patches", () => {
    const flagger = componentOf('flagger', { flagger: 'v1.43.0' });
    const recipe = goRecipe(flagger);
    expect(flagger.version).to.equal('v1.43.0');
    expect(recipe).to.deep.include({ retarget: { module: 'github.com/fluxcd/flagger', version: 'v1.43.0' } });
    expect(recipe.sourcePatches).to.deep.equal(goRecipe(catalog.flagger).sourcePatches);
    const reloader = goRecipe(componentOf('reloader', { reloader: 'v1.3.0' }));
    expect(reloader.ldflags).to.deep.equal(['-X github.com/stakater/Reloader/pkg/common.Version=v1.3.0']);
    expect(componentOf('flagger', {}), 'the pin').to.equal(catalog.flagger);
    expect(goRecipe(catalog.flagger)).to.not.have.property('retarget');
    expect(componentOf('etcd', { flagger: 'v1.43.0' })).to.equal(catalog.etcd);
  });

  it('builds prometheus at the asked release from its wrapper module, moved to the Go module version of that release', () => {
    const prometheus = componentOf('prometheus', { prometheus: 'v3.15.1' });
    const recipe = goRecipe(prometheus);
    expect(prometheus.version).to.equal('v3.15.1');
    expect(recipe).to.deep.include({ retarget: { module: 'github.com/prometheus/prometheus', version: 'v0.315.1' }, tags: ['remove_all_sd', 'enable_kubernetes_sd'] });
    expect(recipe.ldflags).to.include('-X github.com/prometheus/common/version.Version=3.15.1');
    expect(prometheus.release!.artifact('prometheus', 'https://example.invalid').url).to.equal('https://example.invalid/v3.15.1/prometheus-3.15.1.linux-amd64.tar.gz');
    expect(goRecipe(catalog.prometheus)).to.not.have.property('retarget');
  });

  it("builds the control plane at the asked Kubernetes release, its staging modules at their published v0.Y.Z, stamped with that version; kubectl stays at the pin", () => {
    const kubernetes = componentOf('kube-apiserver', { kubernetes: 'v1.35.4' });
    const recipe = goRecipe(kubernetes);
    expect(kubernetes.version).to.equal('v1.35.4');
    expect(kubernetes.binaries).to.deep.equal(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']);
    expect(recipe).to.deep.include({ moduleDir: (goRecipe(catalog.kubernetes) as { moduleDir: string }).moduleDir, retarget: { module: 'k8s.io/kubernetes', version: 'v1.35.4', stagedAt: 'v0.35.4' } });
    expect(recipe.ldflags).to.include.members(['-X k8s.io/component-base/version.gitVersion=v1.35.4', '-X k8s.io/component-base/version.gitMajor=1', '-X k8s.io/component-base/version.gitMinor=35']);
    expect(kubernetes.release!.artifact('kube-apiserver', 'https://example.invalid').url).to.equal('https://example.invalid/v1.35.4/bin/linux/amd64/kube-apiserver');
    expect(goRecipe(catalog.kubernetes)).to.not.have.property('retarget');
    expect(goRecipe(catalog.kubernetes).ldflags).to.include('-X k8s.io/component-base/version.gitVersion=v1.36.3');
    expect(componentOf('kubectl', { kubernetes: 'v1.35.4' })).to.equal(catalog.kubectl);
  });

  const refused = async (values: string[], message: string | RegExp, run = { provider: 'embedded', addons: ['flagger'] }) => {
    const err = await componentVersions(values, run, silentProgress).then(() => undefined, (e: Error) => e);
    expect(err, String(err)).to.be.instanceOf(UsageError);
    if (typeof message === 'string') expect(err!.message).to.equal(message);
    else expect(err!.message).to.match(message);
  };

  it('refuses, in one line, a component that cannot move, a malformed version, another provider, or an add-on no scenario runs', async () => {
    await refused(['etcd=v3.5.0'], '--component etcd=v3.5.0: only kubernetes, flagger, reloader, prometheus can run at another version than the pin');
    await refused(['kubernetes=1.35'], '--component kubernetes=1.35: expected NAME=vX.Y.Z, e.g. kubernetes=v1.36.3');
    await refused(['flagger=1.43'], '--component flagger=1.43: expected NAME=vX.Y.Z, e.g. flagger=v1.44.0');
    await refused(['flagger=v1.43.0'], "--component applies to --provider embedded; the kubeconfig provider runs its cluster's own controllers", { provider: 'kubeconfig', addons: ['flagger'] });
    await refused(['reloader=v1.3.0'], '--component reloader=v1.3.0: no selected scenario runs reloader');
  });

  it('refuses a version whose source the module proxy cannot give, naming what was tried', async () => {
    const saved = process.env.GOPROXY;
    process.env.GOPROXY = 'off';
    try {
      // Prometheus is fetched by its module version, which the message names.
      await refused(['prometheus=v3.99.0'], /^--component prometheus=v3\.99\.0: prometheus v3\.99\.0 cannot be had: cannot fetch github\.com\/prometheus\/prometheus@v0\.399\.0 through the Go module proxy: .*GOPROXY=off/, { provider: 'embedded', addons: [] });
      await refused(['kubernetes=v1.99.0'], /^--component kubernetes=v1\.99\.0: kubernetes v1\.99\.0 cannot be had: cannot fetch k8s\.io\/kubernetes@v1\.99\.0 through the Go module proxy: .*GOPROXY=off/, { provider: 'embedded', addons: [] });
      await refused(['flagger=v1.0.999'], /^--component flagger=v1\.0\.999: flagger v1\.0\.999 cannot be had: cannot fetch github\.com\/fluxcd\/flagger@v1\.0\.999 through the Go module proxy: .*GOPROXY=off/);
    } finally {
      if (saved === undefined) delete process.env.GOPROXY;
      else process.env.GOPROXY = saved;
    }
  });
});
