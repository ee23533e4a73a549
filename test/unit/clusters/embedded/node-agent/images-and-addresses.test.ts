import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { DEMO_IMAGE, ImageCommands, imageKeys } from '../../../../../clusters/embedded/node-agent/index.ts';
import { PodIpPool } from '../../../../../clusters/embedded/node-agent/pod-ip-pool.ts';
import { useTempEnv } from '../../../../helpers/temp-env.ts';

describe('image commands and pod addresses', () => {
  const env = useTempEnv(() => ({}));

  it('normalises image references', () => {
    expect(imageKeys('docker.io/library/nginx:1.25@sha256:abc')).to.deep.equal(['nginx:1.25', 'nginx']);
    expect(imageKeys('registry:5000/team/app')).to.deep.equal(['registry:5000/team/app']);
  });

  it('maps the demo image built in, user images from a file, and nothing else', async () => {
    const file = join(env.dir(), 'images.yaml');
    await writeFile(file, 'images:\n  busybox:\n    command: []\n  nginx:1.25:\n    command: [/usr/sbin/nginx]\n    args: ["-g", "daemon off;"]\n');
    const images = await ImageCommands.load('/bundles/demo-app.mjs', file);
    expect(images.lookup(`${DEMO_IMAGE}:v2`)?.command).to.deep.equal([process.execPath, '/bundles/demo-app.mjs']);
    expect(images.lookup('busybox:1.36')).to.deep.equal({ command: [] });
    expect(images.lookup('nginx:1.25')?.args).to.deep.equal(['-g', 'daemon off;']);
    expect(images.lookup('nginx:1.26')).to.equal(undefined);
    expect(images.lookup('redis')).to.equal(undefined);
  });

  it('rejects an image map without a command list', async () => {
    const file = join(env.dir(), 'bad.yaml');
    await writeFile(file, 'images:\n  nginx:\n    cmd: nginx\n');
    const err = await ImageCommands.load('/bundles/demo-app.mjs', file).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.equal(`image map ${file}: images.nginx.command must be a list of strings`);
  });

  it('hands out per-node loopback addresses round-robin', () => {
    const pool = new PodIpPool('127.150', 2);
    const a = pool.allocate();
    const b = pool.allocate();
    expect([a, b]).to.deep.equal(['127.150.2.2', '127.150.2.3']);
    pool.release(a);
    expect(pool.allocate()).to.equal('127.150.2.4');
  });
});
