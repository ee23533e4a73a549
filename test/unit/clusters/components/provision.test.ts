import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdir, readFile, readdir, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { create as createTar } from 'tar';
import {
  ComponentUnavailableError,
  catalog,
  goRecipe,
  expectedSha256,
  lookupBinary,
  prometheusModuleVersion,
  provisionBinaries,
  versions,
  type ComponentSpec,
} from '../../../../clusters/components/index.ts';
import { useTempEnv } from '../../../helpers/temp-env.ts';

/** The wrapper module that pins a component's Go build. */
function wrapperModule(spec: ComponentSpec): string {
  const recipe = goRecipe(spec);
  if (!('moduleDir' in recipe)) throw new Error(`${spec.name} builds from upstream's module, not a wrapper`);
  return recipe.moduleDir;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A stand-in for the official release servers, on loopback. */
async function releaseServer(files: Record<string, Buffer | string>): Promise<{ server: Server; base: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url!);
    const body = files[req.url!];
    if (body === undefined) return res.writeHead(404).end();
    setTimeout(() => res.end(body), 50);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { server, base: `http://127.0.0.1:${port}`, hits };
}

describe('component provisioning', () => {
  const env = useTempEnv((dir) => ({ XDG_CACHE_HOME: join(dir, 'cache') }));

  it('reads a sha256 from single-hash and SHA256SUMS files', () => {
    const hash = 'a'.repeat(64);
    expect(expectedSha256(`${hash}\n`)).to.equal(hash);
    expect(expectedSha256(`${'b'.repeat(64)}  other.tar.gz\n${hash}  etcd.tar.gz\n`, 'etcd.tar.gz')).to.equal(hash);
    expect(() => expectedSha256('nothing here', 'etcd.tar.gz')).to.throw(/no sha256 for etcd.tar.gz/);
  });

  it('pins the same versions in versions.ts and the Go wrapper modules', async () => {
    const kube = await readFile(join(wrapperModule(catalog.kubernetes), 'go.mod'), 'utf8');
    expect(kube.split('\n').map((l) => l.trim())).to.include(`k8s.io/kubernetes ${versions.kubernetes}`);
    const staging = versions.kubernetes.replace(/^v1\./, 'v0.');
    for (const line of kube.split('\n').filter((l) => l.includes(' => '))) expect(line.trim()).to.match(new RegExp(`${staging.replace(/\./g, '\\.')}$`));
    const etcd = await readFile(join(wrapperModule(catalog.etcd), 'go.mod'), 'utf8');
    expect(etcd.split('\n').map((l) => l.trim())).to.include(`require go.etcd.io/etcd/server/v3 ${versions.etcd}`);
    const prometheus = await readFile(join(wrapperModule(catalog.prometheus), 'go.mod'), 'utf8');
    expect(prometheus.split('\n').map((l) => l.trim())).to.include(`require github.com/prometheus/prometheus ${prometheusModuleVersion(versions.prometheus)}`);
    const flagger = await readFile(join(wrapperModule(catalog.flagger), 'go.mod'), 'utf8');
    expect(flagger.split('\n').map((l) => l.trim())).to.include(`require github.com/fluxcd/flagger ${versions.flagger}`);
    const vegeta = await readFile(join(wrapperModule(catalog.vegeta), 'go.mod'), 'utf8');
    expect(vegeta.split('\n').map((l) => l.trim())).to.include(`require github.com/tsenart/vegeta/v12 ${versions.vegeta}`);
    const kind = await readFile(join(wrapperModule(catalog.kind), 'go.mod'), 'utf8');
    expect(kind.split('\n').map((l) => l.trim())).to.include(`require sigs.k8s.io/kind ${versions.kind}`);
    const reloader = await readFile(join(wrapperModule(catalog.reloader), 'go.mod'), 'utf8');
    expect(reloader.split('\n').map((l) => l.trim())).to.include(`require github.com/stakater/Reloader ${versions.reloader}`);
    expect(goRecipe(catalog.wave)).to.include({ mainPackage: 'github.com/wave-k8s/wave/cmd/manager', upstreamVersion: versions.wave });
    const kubectl = await readFile(join(wrapperModule(catalog.kubectl), 'go.mod'), 'utf8');
    expect(kubectl.split('\n').map((l) => l.trim())).to.include(`require k8s.io/kubernetes ${versions.kubernetes}`);
    for (const line of kubectl.split('\n').filter((l) => l.includes(' => '))) expect(line.trim()).to.match(new RegExp(`${staging.replace(/\./g, '\\.')}$`));
  });

  it('downloads an official-style release tarball, verifies its checksum, and caches it once under concurrent runs', async () => {
    const archive = `etcd-${versions.etcd}-linux-amd64`;
    const staging = join(env.dir(), 'staging');
    await mkdir(join(staging, archive), { recursive: true });
    await writeFile(join(staging, archive, 'etcd'), '#!/bin/sh\necho fake etcd\n');
    await chmod(join(staging, archive, 'etcd'), 0o755);
    await createTar({ gzip: true, file: join(staging, 'etcd.tar.gz'), cwd: staging }, [archive]);
    const tarball = await readFile(join(staging, 'etcd.tar.gz'));
    const { server, base, hits } = await releaseServer({
      [`/${versions.etcd}/${archive}.tar.gz`]: tarball,
      [`/${versions.etcd}/SHA256SUMS`]: `${sha256(tarball)}  ${archive}.tar.gz\n`,
    });
    process.env.TESTBED_ETCD_RELEASE_URL = base;
    try {
      const [a, b] = await Promise.all([provisionBinaries(['etcd']), provisionBinaries(['etcd'])]);
      expect(a.etcd!.path).to.equal(b.etcd!.path);
      expect(a.etcd!.source).to.deep.include({ kind: 'cache' });
      expect(a.etcd!.source.kind === 'cache' && a.etcd!.source.provenance.method).to.equal('download');
      expect(await readFile(a.etcd!.path, 'utf8')).to.include('fake etcd');
      expect(hits.filter((h) => h.endsWith('.tar.gz'))).to.have.length(1);
    } finally {
      delete process.env.TESTBED_ETCD_RELEASE_URL;
      server.close();
    }
  });

  it('rejects a download whose checksum does not match and leaves nothing in the cache', async () => {
    const binary = Buffer.from('#!/bin/sh\necho tampered\n');
    const path = `/${versions.kubernetes}/bin/linux/amd64`;
    const { server, base } = await releaseServer({
      [`${path}/kube-scheduler`]: binary,
      [`${path}/kube-scheduler.sha256`]: `${'0'.repeat(64)}\n`,
      [`${path}/kube-apiserver`]: binary,
      [`${path}/kube-apiserver.sha256`]: sha256(binary),
      [`${path}/kube-controller-manager`]: binary,
      [`${path}/kube-controller-manager.sha256`]: sha256(binary),
    });
    process.env.TESTBED_KUBERNETES_RELEASE_URL = base;
    const savedPath = process.env.PATH;
    process.env.PATH = '/nonexistent'; // no Go: the build fallback must fail too
    try {
      const err = await provisionBinaries(['kube-apiserver']).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err).to.be.instanceOf(ComponentUnavailableError);
      expect(err!.message).to.match(/checksum mismatch .*kube-scheduler/);
      expect(err!.message).to.match(/Go build failed at step "find go": go is not on PATH; log: /);
      expect(err!.message).to.include('--bin kube-apiserver=PATH');
      expect(await readdir(join(env.dir(), 'cache', 'delivery-testbed', 'kubernetes'))).to.not.include(versions.kubernetes);
      expect(await lookupBinary('kube-apiserver')).to.equal(undefined);
    } finally {
      process.env.PATH = savedPath;
      delete process.env.TESTBED_KUBERNETES_RELEASE_URL;
      server.close();
    }
  });

  it('prefers --bin over the environment override and refuses a path that is not executable', async () => {
    const fake = join(env.dir(), 'my-etcd');
    await writeFile(fake, '#!/bin/sh\n', { mode: 0o755 });
    process.env.TESTBED_ETCD_BIN = join(env.dir(), 'missing');
    try {
      const viaFlag = await lookupBinary('etcd', { overrides: { etcd: fake } });
      expect(viaFlag?.path).to.equal(fake);
      expect(viaFlag?.source).to.deep.equal({ kind: 'override', via: `--bin etcd=${fake}` });
      await lookupBinary('etcd').then(
        () => expect.fail('expected an error'),
        (e: Error) => expect(e.message).to.match(/TESTBED_ETCD_BIN=.*missing is not an executable file/),
      );
    } finally {
      delete process.env.TESTBED_ETCD_BIN;
    }
  });
});
