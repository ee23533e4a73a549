import { request } from 'node:http';
import { expect } from 'chai';
import type { AttemptId, EngineEvent } from '../../../harness/events.ts';
import { LiveReportServer, RunReportBuilder, type RunReport } from '../../../reports/index.ts';

const id: AttemptId = { scenario: 'demo', attempt: 1 };

/** Reads server-sent events off `url` until `until` says stop (or the server ends the stream). */
function readEvents(url: string, until: (events: Array<{ event: string; data: string }>) => boolean): Promise<Array<{ event: string; data: string }>> {
  return new Promise((resolve, reject) => {
    const events: Array<{ event: string; data: string }> = [];
    const req = request(url, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2) ?? '';
          events.push({ event: field('event'), data: field('data') });
          if (until(events)) {
            req.destroy();
            resolve(events);
          }
        }
      });
      res.on('end', () => resolve(events));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the live report server (--serve)', () => {
  let builder: RunReportBuilder;
  let server: LiveReportServer;
  let url = '';
  const emit = (event: EngineEvent) => {
    builder.onEvent(event);
    server.onEvent(event);
  };

  beforeEach(async () => {
    builder = new RunReportBuilder();
    server = new LiveReportServer(builder);
    url = await server.start();
    emit({ type: 'run-begin', scenarios: ['demo'], repeat: 1, workers: 1, provider: 'embedded', versions: {} });
    emit({ type: 'attempt-begin', id, at: new Date().toISOString(), namespace: 'tb-demo-1', holds: {}, tunables: {} });
  });
  afterEach(() => server.stop());

  it('listens on loopback only, and serves the page that follows /events', async () => {
    expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const html = await (await fetch(url)).text();
    expect(html).to.include('<script id="testbed-data" type="application/json">');
    expect(html).to.include('"eventsPath":"/events"');
    expect(html).to.include("connect-src 'self'");
    expect((await fetch(`${url}elsewhere`)).status).to.equal(404);
  });

  it('pushes the report within 2 s of an event, and at once when the run ends, then ends the stream', async () => {
    const reports = readEvents(`${url}events`, (events) => events.at(-1)?.event === 'end');
    const running = (e: { data: string }) => (JSON.parse(e.data) as RunReport).scenarios[0]?.attempts[0]?.live?.steps.includes('given: the app');
    const pushed = readEvents(`${url}events`, (events) => events.some(running));
    // Both streams are open, and have had the report as it stood, before the step begins.
    await new Promise((r) => setTimeout(r, 200));
    const sent = Date.now();
    emit({ type: 'step-begin', id, step: 'given: the app' });
    const seen = await pushed;
    expect(Date.now() - sent, 'the push of the step').to.be.below(2000);
    expect(seen[0]!.event).to.equal('report');
    expect(running(seen[0]!), 'the first message is the report before the step').to.not.equal(true);
    emit({ type: 'step-end', id, step: 'given: the app', ok: true, durationMs: 5 });
    emit({ type: 'attempt-end', id, verdict: 'pass', decidedBy: { kind: 'checks' }, durationMs: 10, metrics: {} });
    emit({ type: 'run-end', durationMs: 20 });
    await server.finish();
    const all = await reports;
    expect(all.at(-1)!.event).to.equal('end');
    expect((JSON.parse(all.at(-2)!.data) as RunReport).verdict).to.equal(builder.report!.verdict);
  });

  it('stops listening when stopped', async () => {
    await server.stop();
    let refused = false;
    await fetch(url).catch(() => (refused = true));
    expect(refused).to.equal(true);
  });
});
