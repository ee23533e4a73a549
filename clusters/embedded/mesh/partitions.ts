import type { IncomingMessage, ServerResponse } from 'node:http';
import type { V1Service } from '@kubernetes/client-node';

/** What the mesh's admin port takes on `POST /partitions`. */
export interface PartitionRequest {
  readonly namespace: string;
  readonly service: string;
  readonly seconds: number;
}

/** The longest partition the mesh accepts, so one a crashed run asked for still heals by itself. */
const MAX_SECONDS = 600;

/**
 * Services the mesh cuts off for a while, as a network partition would: every proxy finds no
 * healthy upstream for them (Envoy's 503 `UH`) until the partition heals by itself.
 */
export class Partitions {
  readonly #until = new Map<string, number>();

  cut(p: PartitionRequest): void {
    this.#until.set(`${p.namespace}/${p.service}`, Date.now() + p.seconds * 1000);
  }

  /** Seconds until the partition of `service` heals, or undefined when it is reachable. */
  remaining(service: V1Service): number | undefined {
    const key = `${service.metadata?.namespace}/${service.metadata?.name}`;
    const until = this.#until.get(key);
    if (until === undefined) return undefined;
    if (until > Date.now()) return (until - Date.now()) / 1000;
    this.#until.delete(key);
    return undefined;
  }

  /** The admin endpoint: a JSON {@link PartitionRequest}, answered 204 (resolving with it), or 400 naming what is wrong. */
  async serve(req: IncomingMessage, res: ServerResponse): Promise<PartitionRequest | undefined> {
    let body: Partial<PartitionRequest>;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<PartitionRequest>;
    } catch (err) {
      res.writeHead(400).end(`a partition is JSON {namespace, service, seconds}: ${(err as Error).message}\n`);
      return undefined;
    }
    const { namespace, service, seconds } = body;
    if (typeof namespace !== 'string' || typeof service !== 'string' || typeof seconds !== 'number' || !(seconds > 0 && seconds <= MAX_SECONDS)) {
      res.writeHead(400).end(`a partition needs a namespace, a service and 0 < seconds <= ${MAX_SECONDS}; got ${JSON.stringify(body)}\n`);
      return undefined;
    }
    this.cut({ namespace, service, seconds });
    res.writeHead(204).end();
    return { namespace, service, seconds };
  }
}

/** Asks the mesh whose admin port is `adminPort` to cut Service `namespace/service` off for `seconds`. */
export async function partitionService(adminPort: number, p: PartitionRequest): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${adminPort}/partitions`, { method: 'POST', body: JSON.stringify(p), signal: AbortSignal.timeout(5000) });
  if (res.status !== 204) throw new Error(`the mesh (admin port ${adminPort}) refused to partition ${p.namespace}/${p.service}: ${res.status} ${(await res.text()).trim()}`);
}
