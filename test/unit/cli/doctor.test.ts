import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { create as createTar } from 'tar';
import { versions } from '../../../clusters/components/index.ts';
import { runCli } from '../../helpers/cli.ts';
import { useTempEnv } from '../../helpers/temp-env.ts';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';

/** A mirror of the kind, Istio and Kubernetes release servers, on loopback. */
async function mirror(files: Record<string, Buffer | string>): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const body = files[req.url!];
    if (body === undefined) return res.writeHead(404).end();
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

describe('testbed doctor', () => {
  const env = useTempEnv((dir) => ({ XDG_CACHE_HOME: join(dir, 'cache') }));

  it('names each tool with its version, or missing with the exact reason', async () => {
    const res = await runCli(['doctor']);
    expect(res.exitCode, res.all).to.equal(0);
    for (const tool of ['node', 'go', 'kubectl', 'docker client', 'docker engine', 'kind', 'istioctl']) {
      expect(res.stdout).to.match(new RegExp(`[✓✗] ${tool} +(v?\\d|go\\d|missing: (.+ is not on PATH|\`.+\` exited \\d+: .+))`), tool);
    }
    expect(res.stdout).to.match(/✓ node +v20/);
  });

  it('offers the pinned kind, istioctl and kubectl, installs them checksum-verified, and refuses a tampered one', async () => {
    const fakeKind = '#!/bin/sh\necho "kind v0.33.0 go1.26.8 linux/amd64"\n';
    const fakeKubectl = `#!/bin/sh\necho '{"clientVersion":{"gitVersion":"${versions.kubernetes}"}}'\n`;
    const staging = join(env.dir(), 'staging');
    await mkdir(staging, { recursive: true });
    await writeFile(join(staging, 'istioctl'), '#!/bin/sh\necho 1.32.0\n');
    await chmod(join(staging, 'istioctl'), 0o755);
    const istioArchive = `istioctl-${versions.istio.slice(1)}-linux-${arch}.tar.gz`;
    await createTar({ gzip: true, file: join(staging, istioArchive), cwd: staging }, ['istioctl']);
    const istioTarball = await readFile(join(staging, istioArchive));
    const kubectlPath = `/${versions.kubernetes}/bin/linux/${arch}/kubectl`;
    const istioPath = `/${versions.istio.slice(1)}/${istioArchive}`;
    const { server, base } = await mirror({
      [`/${versions.kind}/kind-linux-${arch}`]: fakeKind,
      [`/${versions.kind}/kind-linux-${arch}.sha256sum`]: `${sha256(fakeKind)}  kind-linux-${arch}\n`,
      [kubectlPath]: fakeKubectl,
      [`${kubectlPath}.sha256`]: sha256(fakeKubectl),
      [istioPath]: istioTarball,
      [`${istioPath}.sha256`]: `${'0'.repeat(64)}  ${istioArchive}\n`,
    });
    const mirrors = { TESTBED_KIND_RELEASE_URL: base, TESTBED_KUBECTL_RELEASE_URL: base, TESTBED_ISTIOCTL_RELEASE_URL: base };
    try {
      const offered = await runCli(['doctor'], mirrors);
      expect(offered.exitCode, offered.all).to.equal(0);
      expect(offered.stdout).to.include(`not installed: kind ${versions.kind} (checksum-verified release download, else Go build from the module proxy), istioctl ${versions.istio} (checksum-verified release download), kubectl ${versions.kubernetes}`);
      expect(offered.stdout).to.include('`npm run testbed -- doctor --install`');

      const installed = await runCli(['doctor', '--install'], mirrors);
      expect(installed.exitCode, installed.all).to.equal(2);
      expect(installed.stdout).to.match(new RegExp(`installed kind ${versions.kind}: .*/kind/${versions.kind}/bin/kind`));
      expect(installed.stdout).to.match(new RegExp(`installed kubectl ${versions.kubernetes}: .*/kubectl/${versions.kubernetes}/bin/kubectl`));
      expect(installed.stdout).to.match(/could not install istioctl:\n.*\n(.*\n)*.*checksum mismatch for .*istioctl/);
      expect(installed.stdout).to.include(`no Go build of istioctl ${versions.istio}`);
      expect(await readdir(join(env.dir(), 'cache', 'delivery-testbed', 'istioctl'))).to.not.include(versions.istio);

      const after = await runCli(['doctor'], mirrors);
      expect(after.stdout).to.match(/✓ kind +v0\.33\.0 \(pinned, cache\)/);
      expect(after.stdout).to.match(new RegExp(`✓ kubectl +${versions.kubernetes.replace(/\./g, '\\.')} \\(pinned, cache\\)`));
      expect(after.stdout).to.match(/not installed: istioctl /);
    } finally {
      server.close();
    }
  });
});
