import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { expect } from 'chai';
import { resumableWatch, type WatchPhase } from '../../../../clusters/kube/index.ts';
import { waitFor } from '../../../helpers/cli.ts';

interface Obj {
  metadata: { name: string; resourceVersion: string };
  code?: number;
}

const line = (res: ServerResponse, type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
const obj = (name: string, resourceVersion: string): Obj => ({ metadata: { name, resourceVersion } });

/**
 * The watch protocol as the API server speaks it, one scripted answer per request, so that the
 * reflector's rules (resume from the last resourceVersion, re-list on 410 Gone) are pinned down;
 * the integration tests run the same watch against the real API server across a restart.
 */
async function scriptedServer(answers: ReadonlyArray<(res: ServerResponse) => void>) {
  const queries: Array<string | null> = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    queries.push(url.searchParams.get('resourceVersion'));
    const answer = answers[queries.length - 1];
    if (!answer) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return; // stays open, as a healthy watch does
    }
    answer(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return { kc, queries, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

const streamThenClose = (...events: Array<[string, unknown]>) => (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  for (const [type, object] of events) line(res, type, object);
  res.end();
};

describe('resumable watch', () => {
  it('resumes from the last resourceVersion (bookmarks too), and re-lists without one after 410 Gone', async () => {
    const server = await scriptedServer([
      streamThenClose(['ADDED', obj('a', '5')], ['BOOKMARK', obj('', '7')]),
      streamThenClose(['MODIFIED', obj('a', '9')]),
      streamThenClose(['ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 9 (12)' }]),
      streamThenClose(['ADDED', obj('a', '12')]),
    ]);
    const seen: Array<[WatchPhase, string]> = [];
    const gaps: Error[] = [];
    const watch = await resumableWatch<Obj>(server.kc, { path: '/api/v1/namespaces/ns/events', onChange: (p, o) => seen.push([p, o.metadata.resourceVersion]), onGap: (e) => gaps.push(e) });
    try {
      await waitFor(async () => server.queries.length >= 5, 5000, 'the fifth watch request');
      expect(server.queries).to.deep.equal([null, '7', '9', null, '12']);
      expect(seen).to.deep.equal([['ADDED', '5'], ['MODIFIED', '9'], ['ADDED', '12']]);
      expect(gaps).to.deep.equal([]);
    } finally {
      watch.abort();
      await server.close();
    }
  });

  it('reports a gap, once, when the server stays away longer than the limit, and stops', async () => {
    const server = await scriptedServer([streamThenClose(['ADDED', obj('a', '3')])]);
    const gaps: Error[] = [];
    const watch = await resumableWatch<Obj>(server.kc, { path: '/api/v1/namespaces/ns/events', onChange: () => {}, onGap: (e) => gaps.push(e), gapLimitMs: 300 });
    try {
      await waitFor(async () => server.queries.length >= 2, 5000, 'the resumed watch');
      await server.close();
      await waitFor(async () => gaps.length > 0, 5000, 'the gap');
      await new Promise((r) => setTimeout(r, 1500));
      expect(gaps).to.have.length(1);
      expect(gaps[0]!.message).to.match(/^the watch on \/api\/v1\/namespaces\/ns\/events could not be resumed for \d+ s \(last error: .*\); changes in that time may be missing$/);
    } finally {
      watch.abort();
    }
  });

  it('rejects when the first watch cannot be established', async () => {
    const server = await scriptedServer([(res) => res.writeHead(403).end()]);
    try {
      const err = await resumableWatch<Obj>(server.kc, { path: '/api/v1/namespaces/ns/events', onChange: () => {}, onGap: () => {} }).then(() => undefined, (e: Error) => e);
      expect(err?.message).to.equal('cannot watch /api/v1/namespaces/ns/events: Forbidden');
    } finally {
      await server.close();
    }
  });
});
