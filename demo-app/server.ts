import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { loadConfig } from './settings.ts';

const env = process.env;
const host = env.BIND_ADDRESS ?? env.POD_IP ?? '127.0.0.1';
const port = Number(env.PORT ?? 8080);
const pod = env.HOSTNAME ?? 'local';

const registry = new Registry();
collectDefaultMetrics({ register: registry });
const requests = new Counter({
  name: 'demo_http_requests_total',
  help: 'Requests served, by route and status code.',
  labelNames: ['route', 'code'] as const,
  registers: [registry],
});
const duration = new Histogram({
  name: 'demo_http_request_duration_seconds',
  help: 'Time to serve a request, by route.',
  labelNames: ['route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

let shuttingDown = false;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function send(res: ServerResponse, code: number, body: unknown, type = 'application/json'): void {
  res.writeHead(code, { 'content-type': type, 'x-demo-pod': pod });
  res.end(type === 'application/json' ? `${JSON.stringify(body)}\n` : String(body));
}

/** Routes; returns the route name used as the metric label. */
async function handle(req: IncomingMessage, res: ServerResponse): Promise<string> {
  const path = new URL(req.url ?? '/', 'http://demo').pathname;
  const { settings, raw, path: file } = await loadConfig(env);
  if (path === '/') {
    if (settings.latencyMs) await sleep(settings.latencyMs);
    if (Math.random() < settings.errorRate) {
      send(res, 500, { error: 'injected failure', version: settings.version, pod });
    } else {
      send(res, 200, { message: 'hello from the demo app', version: settings.version, pod });
    }
    return '/';
  }
  if (path === '/version') return send(res, 200, { version: settings.version, pod }), '/version';
  if (path === '/config') {
    if (raw === undefined) send(res, 404, { error: `no config file at ${file}` });
    else send(res, 200, raw, 'text/plain; charset=utf-8');
    return '/config';
  }
  if (path === '/healthz') return send(res, 200, { ok: true }), '/healthz';
  if (path === '/readyz') {
    const ready = settings.ready && !shuttingDown;
    return send(res, ready ? 200 : 503, { ready }), '/readyz';
  }
  if (path === '/metrics') return send(res, 200, await registry.metrics(), registry.contentType), '/metrics';
  const status = /^\/status\/(\d{3})$/.exec(path);
  if (status) return send(res, Number(status[1]), { status: Number(status[1]), pod }), '/status/{code}';
  const delay = /^\/delay\/(\d+)$/.exec(path);
  if (delay) {
    const ms = Math.min(Number(delay[1]), 60_000);
    await sleep(ms);
    return send(res, 200, { delayedMs: ms, pod }), '/delay/{ms}';
  }
  send(res, 404, { error: `no route ${path}` });
  return 'unknown';
}

const server = createServer((req, res) => {
  const end = duration.startTimer();
  handle(req, res)
    .catch((err: Error) => {
      send(res, 500, { error: err.message });
      return 'error';
    })
    .then((route) => {
      requests.inc({ route, code: String(res.statusCode) });
      end({ route });
    });
});

server.listen(port, host, () => process.stdout.write(`demo-app ${pod} listening on http://${host}:${port}\n`));

// Graceful stop: fail readiness, finish in-flight requests, then exit.
process.on('SIGTERM', () => {
  shuttingDown = true;
  process.stdout.write(`demo-app ${pod}: SIGTERM, draining in-flight requests\n`);
  const drainMs = Number(env.DRAIN_MS ?? 0);
  setTimeout(() => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  }, drainMs);
});
