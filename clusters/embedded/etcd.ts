import { ComponentProcess } from '../process/index.ts';

export interface EtcdOptions {
  readonly binary: string;
  readonly dataDir: string;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly logFile: string;
  readonly owner: string;
}

/** Flags for a throwaway single-member etcd on loopback. */
export function etcdFlags(o: EtcdOptions): string[] {
  const client = `http://127.0.0.1:${o.clientPort}`;
  const peer = `http://127.0.0.1:${o.peerPort}`;
  return [
    '--name=default',
    `--data-dir=${o.dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=default=${peer}`,
    '--unsafe-no-fsync',
    '--log-level=warn',
  ];
}

export class Etcd extends ComponentProcess {
  constructor(readonly options: EtcdOptions) {
    super({ name: 'etcd', command: options.binary, args: etcdFlags(options), logFile: options.logFile, owner: options.owner });
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.clientPort}`;
  }

  async start(timeoutMs = 30_000): Promise<void> {
    await this.startHealthy(
      async () => {
        const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(1000) });
        return res.ok && ((await res.json()) as { health?: string }).health === 'true';
      },
      timeoutMs,
      'healthy on /health',
    );
  }
}
