import { expect } from 'chai';
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { serviceEndpoints } from '../../../../clusters/embedded/index.ts';

const pod = (name: string, ip: string | undefined, ready: boolean, extra: Partial<V1Pod['metadata']> = {}): V1Pod => ({
  metadata: { name, namespace: 'ns', labels: { app: 'web' }, ...extra },
  spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
  status: { ...(ip ? { podIP: ip } : {}), phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

const service: V1Service = {
  metadata: { name: 'web', namespace: 'ns' },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'raw', port: 81, targetPort: 9000 }] },
};

describe('service endpoints from pods', () => {
  it('resolves named and numeric target ports, with readiness and termination', () => {
    const eps = serviceEndpoints(service, [
      pod('a', '127.1.1.2', true),
      pod('b', '127.1.1.3', false),
      pod('c', '127.1.1.4', true, { deletionTimestamp: new Date() }),
      pod('no-ip', undefined, false),
      { ...pod('other', '127.1.1.5', true), metadata: { name: 'other', namespace: 'ns', labels: { app: 'db' } } },
      { ...pod('elsewhere', '127.1.1.6', true), metadata: { name: 'elsewhere', namespace: 'other', labels: { app: 'web' } } },
    ]);
    expect(eps.filter((e) => e.portName === 'http').map((e) => [e.pod, e.ip, e.targetPort, e.ready, e.terminating])).to.deep.equal([
      ['a', '127.1.1.2', 8080, true, false],
      ['b', '127.1.1.3', 8080, false, false],
      ['c', '127.1.1.4', 8080, false, true],
    ]);
    expect(eps.filter((e) => e.portName === 'raw').map((e) => e.targetPort)).to.deep.equal([9000, 9000, 9000]);
  });

  it('publishes nothing for a Service without a selector', () => {
    expect(serviceEndpoints({ ...service, spec: { ...service.spec, selector: {} } }, [pod('a', '127.1.1.2', true)])).to.deep.equal([]);
  });
});
