import { Agent, request } from 'node:http';

export interface OpenLoopResult {
  readonly sent: number;
  readonly failed: number;
  /** From the first request to the last response. */
  readonly elapsedSeconds: number;
  /** Latencies of successful requests, in ms, sorted. */
  readonly latenciesMs: readonly number[];
}

/**
 * Fires GETs at a fixed rate for a fixed time, without waiting for responses (an open loop, as
 * k6's constant-arrival-rate executor does), then waits for the last responses. Loopback only;
 * it stops by itself.
 */
export async function openLoop(options: { url: string; host?: string; rps: number; seconds: number }): Promise<OpenLoopResult> {
  const target = new URL(options.url);
  if (!target.hostname.startsWith('127.')) throw new Error(`load targets loopback only, not ${target.hostname}`);
  const agent = new Agent({ keepAlive: true, maxSockets: 128 });
  const latencies: number[] = [];
  let failed = 0;
  let sent = 0;
  const inFlight: Array<Promise<void>> = [];
  const fire = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = request(target, { agent, headers: options.host ? { host: options.host } : {}, timeout: 10_000 }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) latencies.push(performance.now() - t0);
          else failed++;
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end();
    });
  const total = Math.round(options.rps * options.seconds);
  const started = performance.now();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * options.rps));
    while (sent < due) {
      inFlight.push(fire());
      sent++;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return { sent, failed, elapsedSeconds: (performance.now() - started) / 1000, latenciesMs: latencies.sort((a, b) => a - b) };
}

export const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
