import { createServer, type Server } from 'node:http';
import { expect } from 'chai';
import { runProbe } from '../../../../../clusters/embedded/node-agent/probes.ts';

describe('probes', () => {
  let server: Server;
  let port = 0;
  before(async () => {
    server = createServer((req, res) => res.writeHead(req.url === '/ok' ? 200 : 503).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  after(() => server.close());
  const target = () => ({ podIP: '127.0.0.1', ports: [{ name: 'http', containerPort: port }], env: { PATH: process.env.PATH! }, cwd: '/' });

  it('httpGet succeeds on 2xx, by port number or name, and fails with the status code', async () => {
    expect((await runProbe({ httpGet: { path: '/ok', port: 'http' } }, target())).ok).to.equal(true);
    expect(await runProbe({ httpGet: { path: '/bad', port } }, target())).to.deep.equal({ ok: false, message: 'HTTP probe failed with statuscode: 503' });
  });

  it('tcpSocket needs a listener; exec needs exit 0', async () => {
    expect((await runProbe({ tcpSocket: { port } }, target())).ok).to.equal(true);
    expect((await runProbe({ tcpSocket: { port: 1 } }, target())).ok).to.equal(false);
    expect((await runProbe({ exec: { command: ['true'] } }, target())).ok).to.equal(true);
    expect((await runProbe({ exec: { command: ['false'] } }, target())).ok).to.equal(false);
  });
});
