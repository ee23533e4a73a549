import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EngineEvent, Reporter } from '../harness/events.ts';
import { renderHtml } from './html/index.ts';
import type { RunReport, RunReportBuilder } from './run-report.ts';

const EVENTS_PATH = '/events';
/** Well inside the 2 s a demo may lag; a burst of events is one update. */
const PUSH_EVERY_MS = 250;

/**
 * The live view (`--serve`): report.html on 127.0.0.1, following the run through server-sent
 * events. Each update carries the whole report model, so a page opened late, or reloaded, misses nothing.
 */
export class LiveReportServer implements Reporter {
  readonly #server: Server = createServer((req, res) => this.#handle(req, res));
  readonly #clients = new Set<ServerResponse>();
  #timer: NodeJS.Timeout | undefined;
  #ended = false;
  #firstReport: Promise<RunReport>;
  #reportReady!: (report: RunReport) => void;

  constructor(private readonly builder: RunReportBuilder) {
    this.#firstReport = new Promise((resolve) => (this.#reportReady = resolve));
  }

  /** Listens on an ephemeral loopback port; resolves to the page's URL. */
  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/`;
  }

  onEvent(event: EngineEvent): void {
    if (this.builder.report) this.#reportReady(this.builder.report);
    if (event.type === 'run-end') return void this.#push();
    this.#timer ??= setTimeout(() => this.#push(), PUSH_EVERY_MS);
  }

  /** The run ended: the last report, then `end`, and the pages stop following. */
  async finish(): Promise<void> {
    this.#push();
    this.#ended = true;
    for (const client of this.#clients) client.end('event: end\ndata: {}\n\n');
    await this.stop();
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    for (const client of this.#clients) client.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #push(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const report = this.builder.report;
    if (!report) return;
    const message = `event: report\ndata: ${JSON.stringify(report)}\n\n`;
    for (const client of this.#clients) client.write(message);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method !== 'GET') return void res.writeHead(405).end();
    if (path === '/') {
      const html = await renderHtml({ report: await this.#firstReport, live: { eventsPath: EVENTS_PATH } });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
      return;
    }
    if (path === EVENTS_PATH) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      if (this.builder.report) res.write(`event: report\ndata: ${JSON.stringify(this.builder.report)}\n\n`);
      if (this.#ended) return void res.end('event: end\ndata: {}\n\n');
      this.#clients.add(res);
      req.on('close', () => this.#clients.delete(res));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`no ${path} here: the report is at /\n`);
  }
}
