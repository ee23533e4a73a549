import { createServer, type Server } from 'node:http';

/** What Flagger posts to an event webhook (pkg/controller/webhook.go, CanaryWebhookPayload). */
export interface FlaggerEvent {
  /** When the harness received it, ms since the epoch. */
  readonly at: number;
  readonly phase: string;
  readonly message: string;
  readonly type: 'Normal' | 'Warning' | string;
}

interface Payload {
  name: string;
  namespace: string;
  phase: string;
  metadata?: { eventMessage?: string; eventType?: string };
}

/**
 * Receives Flagger's events on loopback: every event Flagger records for the Canary reaches its
 * `type: event` webhook, with the phase it moved to.
 */
export class FlaggerEventSink {
  readonly events: FlaggerEvent[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(onEvent: (event: FlaggerEvent) => void): Promise<FlaggerEventSink> {
    let sink: FlaggerEventSink | undefined;
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (body += d));
      req.on('end', () => {
        try {
          const payload = JSON.parse(body) as Payload;
          const event = { at: Date.now(), phase: payload.phase, message: payload.metadata?.eventMessage ?? '', type: payload.metadata?.eventType ?? '' };
          sink?.events.push(event);
          onEvent(event);
          res.writeHead(200).end();
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    sink = new FlaggerEventSink(server, `http://127.0.0.1:${port}/flagger-events`);
    return sink;
  }

  first(pattern: RegExp): FlaggerEvent | undefined {
    return this.events.find((e) => pattern.test(e.message));
  }

  all(pattern: RegExp): FlaggerEvent[] {
    return this.events.filter((e) => pattern.test(e.message));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Flagger's messages for each stage of an analysis (scheduler.go), as patterns. */
export const FLAGGER = {
  newRevision: /^New revision detected!/,
  start: /^Starting canary analysis/,
  advance: /^Advance \S+ canary weight (\d+)/,
  halt: /^Halt .* advancement (success rate|request duration)/,
  haltDuration: /^Halt .* advancement request duration/,
  noValues: /no values found/,
  rollingBack: /^Rolling back .* failed checks threshold reached/,
  failed: /^Canary failed!/,
  copying: /^Copying \S+ template spec to/,
  routingToPrimary: /^Routing all traffic to primary/,
  promoted: /^Promotion completed!/,
} as const;

/** Whether the messages contain the patterns as an ordered subsequence; the first missing one otherwise. */
export function inOrder(events: readonly FlaggerEvent[], patterns: ReadonlyArray<[string, RegExp]>): { ok: boolean; seen: string[]; missing?: string } {
  const seen: string[] = [];
  let i = 0;
  for (const [name, pattern] of patterns) {
    while (i < events.length && !pattern.test(events[i]!.message)) i++;
    if (i === events.length) return { ok: false, seen, missing: name };
    seen.push(name);
    i++;
  }
  return { ok: true, seen };
}
