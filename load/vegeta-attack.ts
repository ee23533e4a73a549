import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import type { LoadStage } from './load-profile.ts';

/** One request as vegeta recorded it. */
export interface LoadResult {
  /** When the request was sent, ms since the epoch. */
  readonly at: number;
  /** HTTP status; 0 for a transport error (refused, reset, timeout). */
  readonly code: number;
  readonly latencyMs: number;
}

export interface AttackOptions {
  readonly vegeta: string;
  readonly name: string;
  /** A file of targets in vegeta's http format. */
  readonly targetsFile: string;
  /** Where the results go, for `vegeta report`: CSV when streamed, else vegeta's own encoding. */
  readonly resultsFile: string;
  readonly env: Readonly<Record<string, string>>;
  readonly onCommand: (argv: readonly string[]) => void;
  /** Each result as it happens; without it vegeta writes straight to the file, which costs less CPU. */
  readonly onResult?: (result: LoadResult) => void;
  readonly signal?: AbortSignal;
}

/** A request that got no answer within this is a transport error, so a stage always ends. */
const REQUEST_TIMEOUT = '10s';

/** vegeta's CSV encoding starts `timestamp_ns,code,latency_ns,`; later fields may be quoted. */
function parseResult(line: string): LoadResult {
  const [ts, code, latency] = line.split(',', 3) as [string, string, string];
  return { at: Number(BigInt(ts) / 1_000_000n), code: Number(code), latencyMs: Number(latency) / 1e6 };
}

/** 'exit', not 'close': the attacker's stdout belongs to the encoder, so its parent-side stream never closes. */
const exited = (child: ChildProcess) =>
  new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });

/**
 * Runs `vegeta attack` for one constant-rate stage. When results are wanted live, it is piped
 * into `vegeta encode -to csv` so each result arrives as it happens. The attack stops by itself
 * after the stage's duration; an abort sends it SIGINT, on which vegeta stops sending and still
 * records the requests in flight.
 */
export async function attackStage(stage: LoadStage, o: AttackOptions): Promise<void> {
  const args = [
    'attack',
    `-name=${o.name}`,
    `-targets=${o.targetsFile}`,
    `-rate=${stage.rps}/1s`,
    `-duration=${Math.round(stage.seconds * 1000)}ms`,
    `-timeout=${REQUEST_TIMEOUT}`,
    // Loopback is the only network this harness may use, on the sending side too.
    '-laddr=127.0.0.1',
    '-max-body=0',
    '-http2=false',
    ...(o.onResult ? [] : [`-output=${o.resultsFile}`]),
  ];
  o.onCommand([o.vegeta, ...args]);
  const env = { ...process.env, ...o.env };
  const attacker = spawn(o.vegeta, args, { stdio: ['ignore', o.onResult ? 'pipe' : 'ignore', 'pipe'], env });
  const children = [attacker];
  let stderr = '';
  attacker.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const stop = () => attacker.kill('SIGINT');
  o.signal?.addEventListener('abort', stop, { once: true });
  try {
    if (!o.onResult) {
      const code = await exited(attacker);
      if (code !== 0) throw new Error(`vegeta attack exited ${code}: ${stderr.trim() || 'no output'}`);
      return;
    }
    const onResult = o.onResult;
    const encoder = spawn(o.vegeta, ['encode', '-to', 'csv'], { stdio: [attacker.stdout!, 'pipe', 'pipe'], env });
    children.push(encoder);
    attacker.stdout!.destroy();
    encoder.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const results = createWriteStream(o.resultsFile);
    try {
      const [attackCode, encodeCode] = await Promise.all([
        exited(attacker),
        exited(encoder),
        (async () => {
          for await (const line of createInterface({ input: encoder.stdout! })) {
            if (!line) continue;
            results.write(`${line}\n`);
            onResult(parseResult(line));
          }
        })(),
      ]);
      if (attackCode !== 0 || encodeCode !== 0) {
        throw new Error(`vegeta ${attackCode !== 0 ? 'attack' : 'encode'} exited ${attackCode || encodeCode}: ${stderr.trim() || 'no output'}`);
      }
    } finally {
      await new Promise((resolve) => results.end(resolve));
    }
  } finally {
    o.signal?.removeEventListener('abort', stop);
    for (const child of children) child.kill('SIGKILL');
  }
}

/** The JSON that `vegeta report -type=json` prints; durations in ns. */
export interface VegetaReport {
  readonly requests: number;
  readonly rate: number;
  readonly throughput: number;
  readonly success: number;
  readonly duration: number;
  readonly latencies: { readonly mean: number; readonly '50th': number; readonly '90th': number; readonly '95th': number; readonly '99th': number; readonly max: number };
  readonly status_codes: Readonly<Record<string, number>>;
  readonly errors: readonly string[];
}

export async function vegetaReport(vegeta: string, resultsFiles: readonly string[], onCommand: (argv: readonly string[]) => void): Promise<VegetaReport> {
  const args = ['report', '-type=json', ...resultsFiles];
  onCommand([vegeta, ...args]);
  const { stdout } = await execa(vegeta, args);
  return JSON.parse(stdout) as VegetaReport;
}
