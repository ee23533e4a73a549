import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { V1Service } from '@kubernetes/client-node';
import { Partitions, partitionService } from '../../../../../clusters/embedded/mesh/index.ts';

const service = (name: string): V1Service => ({ metadata: { name, namespace: 'shop' } });

describe('mesh partitions (a fault: no healthy upstream for a while)', () => {
  let partitions: Partitions;
  let server: Server;
  let port = 0;

  beforeEach(async () => {
    partitions = new Partitions();
    server = createServer((req, res) => void partitions.serve(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(() => new Promise((r) => server.close(r)));

  it('cuts off only the Service asked for, and heals by itself when its seconds are over', async () => {
    await partitionService(port, { namespace: 'shop', service: 'web-canary', seconds: 0.3 });
    expect(partitions.remaining(service('web-canary'))).to.be.within(0.1, 0.3);
    expect(partitions.remaining(service('web-primary'))).to.equal(undefined);
    expect(partitions.remaining({ metadata: { name: 'web-canary', namespace: 'other' } })).to.equal(undefined);
    await new Promise((r) => setTimeout(r, 350));
    expect(partitions.remaining(service('web-canary'))).to.equal(undefined);
  });

  it('refuses a partition without an end, naming what it needs', async () => {
    let error: Error | undefined;
    await partitionService(port, { namespace: 'shop', service: 'web-canary', seconds: 0 }).catch((err: Error) => (error = err));
    expect(error?.message).to.match(/refused to partition shop\/web-canary: 400 a partition needs a namespace, a service and 0 < seconds <= 600; got \{"namespace":"shop","service":"web-canary","seconds":0\}$/);
    expect(partitions.remaining(service('web-canary'))).to.equal(undefined);
  });
});
