import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { V1Pod } from '@kubernetes/client-node';
import { PodVolumes } from '../../../../../clusters/embedded/node-agent/pod-volumes.ts';
import type { ConfigSource } from '../../../../../clusters/embedded/node-agent/config-source.ts';
import { useTempEnv } from '../../../../helpers/temp-env.ts';

describe('pod volumes', () => {
  const env = useTempEnv(() => ({}));
  let config = '{"version":"1"}';
  const source: ConfigSource = {
    configMap: async () => ({ data: { 'config.json': config } }),
    secret: async () => ({ data: { token: Buffer.from('hunter2').toString('base64') } }),
    serviceAccountToken: async () => 'jwt',
  };
  const pod: V1Pod = {
    metadata: { name: 'p', namespace: 'ns', uid: 'u', labels: { app: 'web' } },
    spec: {
      containers: [],
      volumes: [
        { name: 'config', configMap: { name: 'app' } },
        { name: 'creds', secret: { secretName: 's', items: [{ key: 'token', path: 'auth/token' }] } },
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        { name: 'api', projected: { sources: [{ serviceAccountToken: { path: 'token' } }, { configMap: { name: 'app' } }] } },
        { name: 'scratch', emptyDir: {} },
      ],
    },
  };

  it('writes each volume, mounts it under the pod root, and swaps ..data atomically on change', async () => {
    const volumes = new PodVolumes(pod, join(env.dir(), 'pod'), source, { podIP: '127.1.1.2', hostIP: '127.0.0.1' });
    expect(await volumes.sync()).to.deep.equal(['config', 'creds', 'info', 'api']);
    await volumes.mount({ name: 'c', volumeMounts: [{ name: 'config', mountPath: '/etc/demo-app' }, { name: 'creds', mountPath: '/var/run/creds' }] });
    const mounted = join(volumes.root, 'etc/demo-app/config.json');
    expect(await readFile(mounted, 'utf8')).to.equal('{"version":"1"}');
    expect(await readFile(join(volumes.root, 'var/run/creds/auth/token'), 'utf8')).to.equal('hunter2');
    expect(await readFile(join(volumes.volumeDir('info'), 'labels'), 'utf8')).to.equal('app="web"');
    expect(await readFile(join(volumes.volumeDir('api'), 'token'), 'utf8')).to.equal('jwt');
    const before = await readlink(join(volumes.volumeDir('config'), '..data'));

    expect(await volumes.sync()).to.deep.equal([]);
    config = '{"version":"2"}';
    expect(await volumes.sync()).to.deep.equal(['config', 'api']);
    expect(await readFile(mounted, 'utf8')).to.equal('{"version":"2"}');
    expect(await readlink(join(volumes.volumeDir('config'), '..data'))).to.not.equal(before);
  });
});
