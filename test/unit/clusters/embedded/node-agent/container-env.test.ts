import { expect } from 'chai';
import type { V1Pod } from '@kubernetes/client-node';
import { containerEnv, expand, serviceEnv } from '../../../../../clusters/embedded/node-agent/container-env.ts';
import { ContainerConfigError, type ConfigSource } from '../../../../../clusters/embedded/node-agent/config-source.ts';

const source: ConfigSource = {
  configMap: async (_ns, name) => (name === 'app' ? { data: { MODE: 'blue', LEVEL: 'debug' } } : undefined),
  secret: async (_ns, name) => (name === 'creds' ? { data: { PASSWORD: Buffer.from('s3cret').toString('base64') } } : undefined),
  serviceAccountToken: async () => 'token',
};
const pod: V1Pod = { metadata: { name: 'web-1', namespace: 'shop', uid: 'u1', labels: { app: 'web' } }, spec: { nodeName: 'node-1', containers: [] } };
const addresses = { podIP: '127.5.1.2', hostIP: '127.0.0.1' };

describe('container environment', () => {
  it('expands $(VAR) as kubelet does', () => {
    expect(expand('$(A)-$(B)-$$(A)-$(MISSING)', { A: 'x', B: 'y' })).to.equal('x-y-$(A)-$(MISSING)');
  });

  it('applies envFrom, then env with configMapKeyRef, secretKeyRef, fieldRef and expansion', async () => {
    const env = await containerEnv(
      pod,
      {
        name: 'c',
        envFrom: [{ configMapRef: { name: 'app' }, prefix: 'CFG_' }, { secretRef: { name: 'creds' } }],
        env: [
          { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'app', key: 'MODE' } } },
          { name: 'PW', valueFrom: { secretKeyRef: { name: 'creds', key: 'PASSWORD' } } },
          { name: 'ME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: 'URL', value: 'http://$(IP):8080/$(MODE)' },
        ],
      },
      source,
      addresses,
    );
    expect(env).to.deep.equal({
      CFG_MODE: 'blue', CFG_LEVEL: 'debug', PASSWORD: 's3cret', MODE: 'blue', PW: 's3cret', ME: 'web-1',
      IP: '127.5.1.2', APP: 'web', URL: 'http://127.5.1.2:8080/blue',
    });
  });

  it('reports a missing ConfigMap as a config error, and skips an optional one', async () => {
    const missing = { name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }] };
    const err = await containerEnv(pod, missing, source, addresses).then(() => undefined, (e: Error) => e);
    expect(err).to.be.instanceOf(ContainerConfigError);
    expect(err!.message).to.equal('configmap "nope" not found');
    const optional = { name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } }] };
    expect(await containerEnv(pod, optional, source, addresses)).to.deep.equal({});
  });

  it("gives kubelet's Service variables, with each Service's loopback address in place of its ClusterIP", () => {
    const services = [
      { metadata: { name: 'web-api' }, spec: { clusterIP: '10.0.0.17', ports: [{ name: 'http', port: 80 }, { name: 'admin-port', port: 9090 }] } },
      { metadata: { name: 'headless' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } },
    ];
    expect(serviceEnv(services, '127.5')).to.deep.equal({
      WEB_API_SERVICE_HOST: '127.5.0.17',
      WEB_API_SERVICE_PORT: '80',
      WEB_API_SERVICE_PORT_HTTP: '80',
      WEB_API_SERVICE_PORT_ADMIN_PORT: '9090',
    });
  });
});
