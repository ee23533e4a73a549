import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What the demo app serves and how it misbehaves. Env gives defaults; the config file, when present, wins. */
export interface DemoSettings {
  readonly version: string;
  /** Fraction (0–1) of requests to `/` answered with 500. */
  readonly errorRate: number;
  /** Extra latency added to `/`, in milliseconds. */
  readonly latencyMs: number;
  /** Whether /readyz passes; false takes the pod out of its Service's endpoints. */
  readonly ready: boolean;
}

export interface LoadedConfig {
  readonly settings: DemoSettings;
  /** The config file's raw text, or undefined when there is none. */
  readonly raw: string | undefined;
  readonly path: string;
}

/** The config file path; under $CONTAINER_ROOT when the node agent runs the app (no mount namespace there). */
export function configPath(env: NodeJS.ProcessEnv): string {
  return join(env.CONTAINER_ROOT ?? '/', env.CONFIG_FILE ?? '/etc/demo-app/config.json');
}

function number(value: unknown, what: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${what} must be a non-negative number, got ${JSON.stringify(value)}`);
  return n;
}

export async function loadConfig(env: NodeJS.ProcessEnv): Promise<LoadedConfig> {
  const path = configPath(env);
  const raw = await readFile(path, 'utf8').catch(() => undefined);
  let file: Record<string, unknown> = {};
  if (raw !== undefined) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed && typeof parsed === 'object') file = parsed as Record<string, unknown>;
    } catch {
      /* not JSON: served as text, settings come from env */
    }
  }
  const errorRate = number(file.errorRate ?? env.ERROR_RATE, 'errorRate', 0);
  if (errorRate > 1) throw new Error(`errorRate must be between 0 and 1, got ${errorRate}`);
  return {
    raw,
    path,
    settings: {
      version: String(file.version ?? env.VERSION ?? '1'),
      errorRate,
      latencyMs: number(file.latencyMs ?? env.LATENCY_MS, 'latencyMs', 0),
      ready: String(file.ready ?? env.READY ?? 'true') !== 'false',
    },
  };
}
