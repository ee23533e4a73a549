import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { registerScrapeTarget } from '../clusters/embedded/index.ts';

/** Prometheus batches discovery updates (every 5 s) before a new target's first scrape. */
const SCRAPE_WAIT_MS = 15_000;

/**
 * Serves the harness's own metrics on loopback and lists itself as a Prometheus target (file_sd)
 * for as long as it runs, so what the harness measured (the load) charts beside the mesh. It sees
 * Prometheus's scrapes, so it can wait until the first values and the last are in.
 */
export class MetricsEndpoint {
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly server: Server,
    private readonly target: { readonly file: string; withdraw(): Promise<void> },
  ) {}

  static async start(registry: Registry, scrapeTargetsDir: string, job: string): Promise<MetricsEndpoint> {
    let endpoint: MetricsEndpoint | undefined;
    const server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'content-type': registry.contentType }).end(body);
          endpoint?.scraped();
        },
        (err: Error) => res.writeHead(500).end(err.message),
      );
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const target = await registerScrapeTarget(scrapeTargetsDir, `${job}-${process.pid}`, job, `127.0.0.1:${port}`);
    const started = new MetricsEndpoint(server, target);
    endpoint = started;
    await started.nextScrape('the first scrape').catch(async (err: Error) => {
      await started.stop({ finalScrape: false });
      throw err;
    });
    return started;
  }

  private scraped(): void {
    for (const wake of this.waiters) wake();
  }

  private nextScrape(what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const wake = () => {
        this.waiters.delete(wake);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`Prometheus did not scrape the harness's metrics (listed in ${this.target.file}) within ${SCRAPE_WAIT_MS / 1000} s, waiting for ${what}`));
      }, SCRAPE_WAIT_MS);
      this.waiters.add(wake);
    });
  }

  /** Waits for a scrape that sees the final values (unless told not to), then withdraws the target. */
  async stop({ finalScrape = true } = {}): Promise<void> {
    try {
      if (finalScrape) await this.nextScrape('the final scrape');
    } finally {
      await this.target.withdraw();
      this.server.closeAllConnections();
      await new Promise((resolve) => this.server.close(resolve));
    }
  }
}
