import { connect } from 'node:net';
import { execa } from 'execa';
import type { V1ContainerPort, V1Probe } from '@kubernetes/client-node';

export interface ProbeTarget {
  readonly podIP: string;
  readonly ports: readonly V1ContainerPort[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

export interface ProbeResult {
  readonly ok: boolean;
  readonly message: string;
}

function resolvePort(port: number | string, ports: readonly V1ContainerPort[]): number {
  if (typeof port === 'number' || /^\d+$/.test(port)) return Number(port);
  const named = ports.find((p) => p.name === port);
  if (!named) throw new Error(`no containerPort named ${port}`);
  return named.containerPort;
}

/** One probe attempt, with kubelet's meaning of success for each handler. */
export async function runProbe(probe: V1Probe, target: ProbeTarget): Promise<ProbeResult> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  try {
    if (probe.httpGet) {
      const { path = '/', port, host, scheme = 'HTTP', httpHeaders = [] } = probe.httpGet;
      const url = `${scheme.toLowerCase()}://${host ?? target.podIP}:${resolvePort(port as number | string, target.ports)}${path}`;
      const res = await fetch(url, {
        headers: Object.fromEntries(httpHeaders.map((h) => [h.name, h.value])),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
      await res.arrayBuffer();
      const ok = res.status >= 200 && res.status < 400;
      return { ok, message: `HTTP probe failed with statuscode: ${res.status}` };
    }
    if (probe.tcpSocket) {
      const port = resolvePort(probe.tcpSocket.port as number | string, target.ports);
      const host = probe.tcpSocket.host ?? target.podIP;
      await new Promise<void>((resolve, reject) => {
        const socket = connect({ host, port, timeout: timeoutMs });
        socket.once('connect', () => (socket.destroy(), resolve()));
        socket.once('timeout', () => (socket.destroy(), reject(new Error('timeout'))));
        socket.once('error', reject);
      });
      return { ok: true, message: '' };
    }
    if (probe.exec?.command?.length) {
      const [cmd, ...args] = probe.exec.command;
      const result = await execa(cmd!, args, { env: target.env, extendEnv: false, cwd: target.cwd, timeout: timeoutMs, reject: false, all: true });
      return { ok: result.exitCode === 0, message: `exec probe exited ${result.exitCode ?? 'by timeout'}: ${String(result.all ?? '').slice(0, 200)}` };
    }
    if (probe.grpc) return { ok: false, message: 'grpc probes are not supported by the node agent' };
    return { ok: false, message: 'probe has no handler' };
  } catch (err) {
    const cause = (err as Error).cause as Error | undefined;
    return { ok: false, message: `probe failed: ${cause?.message ?? (err as Error).message}` };
  }
}

/**
 * Runs a probe every periodSeconds after initialDelaySeconds and reports each change of verdict,
 * counting successThreshold and failureThreshold as kubelet does.
 */
export class ProbeWorker {
  #timer: NodeJS.Timeout | undefined;
  #successes = 0;
  #failures = 0;
  #stopped = false;
  verdict: boolean | undefined;

  constructor(
    private readonly probe: V1Probe,
    private readonly target: ProbeTarget,
    private readonly onChange: (ok: boolean, message: string) => void,
  ) {}

  start(): void {
    this.#schedule((this.probe.initialDelaySeconds ?? 0) * 1000);
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#tick(), delayMs);
  }

  async #tick(): Promise<void> {
    const result = await runProbe(this.probe, this.target);
    if (this.#stopped) return;
    if (result.ok) {
      this.#failures = 0;
      this.#successes++;
      if (this.verdict !== true && this.#successes >= (this.probe.successThreshold ?? 1)) {
        this.verdict = true;
        this.onChange(true, '');
      }
    } else {
      this.#successes = 0;
      this.#failures++;
      if (this.verdict !== false && this.#failures >= (this.probe.failureThreshold ?? 3)) {
        this.verdict = false;
        this.onChange(false, result.message);
      }
    }
    this.#schedule((this.probe.periodSeconds ?? 10) * 1000);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}
