import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stagesOf, type LoadProfile } from './load-profile.ts';
import { vegetaTargets, type LoadTarget } from './load-target.ts';
import { attackStage, vegetaReport, type LoadResult } from './vegeta-attack.ts';

export interface LoadThresholds {
  /** Failed requests (transport errors and statuses outside 200–399) over all requests. */
  readonly maxFailureRatio?: number;
  readonly maxP99Ms?: number;
}

export interface LoadOptions {
  readonly vegeta: string;
  /** Names the load in vegeta's `X-Vegeta-Attack` header and in metrics. */
  readonly name: string;
  readonly target: LoadTarget;
  readonly profile: LoadProfile;
  readonly thresholds?: LoadThresholds;
  /** Targets and the raw results (vegeta CSV when streamed, else vegeta's encoding), a file per stage, go here. */
  readonly workDir: string;
  /** Extra environment for vegeta, e.g. the owner marker that lets a later run reap it. */
  readonly env?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  readonly onCommand?: (argv: readonly string[]) => void;
  readonly onResult?: (result: LoadResult) => void;
  /** About once a second. */
  readonly onProgress?: (progress: LoadProgress) => void;
}

export interface LoadProgress {
  readonly stage: number;
  readonly stages: number;
  readonly targetRps: number;
  readonly requests: number;
  readonly failures: number;
}

export interface ThresholdResult {
  readonly name: string;
  readonly limit: number;
  readonly observed: number;
  readonly ok: boolean;
}

export interface LoadSummary {
  readonly name: string;
  readonly target: LoadTarget;
  readonly requests: number;
  /** Requests per second vegeta achieved; below the target when it fell behind. */
  readonly achievedRps: number;
  readonly failures: number;
  /** Failed requests by status; `0` is a transport error. */
  readonly failuresByStatus: Readonly<Record<string, number>>;
  readonly statusCodes: Readonly<Record<string, number>>;
  readonly latencyMs: { readonly mean: number; readonly p50: number; readonly p90: number; readonly p95: number; readonly p99: number; readonly max: number };
  /** vegeta's distinct error messages. */
  readonly errors: readonly string[];
  readonly thresholds: readonly ThresholdResult[];
  readonly resultsFiles: readonly string[];
}

export const isFailure = (code: number) => code < 200 || code >= 400;

/**
 * Drives `options.target` with vegeta through each stage of the profile, then summarises with
 * `vegeta report`. Loopback only; it stops by itself at the end of the profile, or early on abort.
 */
export async function runLoad(options: LoadOptions): Promise<LoadSummary> {
  const stages = stagesOf(options.profile);
  const targets = vegetaTargets(options.target);
  await mkdir(options.workDir, { recursive: true });
  const targetsFile = join(options.workDir, `${options.name}.targets`);
  const live = Boolean(options.onResult || options.onProgress);
  const resultsFiles = stages.map((_, i) => join(options.workDir, `${options.name}.stage-${i + 1}.${live ? 'csv' : 'bin'}`));
  await writeFile(targetsFile, targets);
  const onCommand = options.onCommand ?? (() => {});
  let requests = 0;
  let failures = 0;
  let stage = 0;
  const tick = live && setInterval(() => {
    options.onProgress?.({ stage: stage + 1, stages: stages.length, targetRps: stages[Math.min(stage, stages.length - 1)]!.rps, requests, failures });
  }, 1000);
  try {
    for (; stage < stages.length && !options.signal?.aborted; stage++) {
      await attackStage(stages[stage]!, {
        vegeta: options.vegeta,
        name: options.name,
        targetsFile,
        resultsFile: resultsFiles[stage]!,
        env: options.env ?? {},
        onCommand,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(live
          ? {
              onResult: (result: LoadResult) => {
                requests++;
                if (isFailure(result.code)) failures++;
                options.onResult?.(result);
              },
            }
          : {}),
      });
    }
  } finally {
    if (tick) clearInterval(tick);
  }
  const written = resultsFiles.slice(0, stage);
  const report = await vegetaReport(options.vegeta, written, onCommand);
  const ms = (ns: number) => ns / 1e6;
  const failuresByStatus = Object.fromEntries(Object.entries(report.status_codes ?? {}).filter(([code]) => isFailure(Number(code))));
  const summary = {
    name: options.name,
    target: options.target,
    requests: report.requests,
    achievedRps: report.rate,
    failures: Object.values(failuresByStatus).reduce((a, b) => a + b, 0),
    failuresByStatus,
    statusCodes: report.status_codes ?? {},
    latencyMs: {
      mean: ms(report.latencies.mean),
      p50: ms(report.latencies['50th']),
      p90: ms(report.latencies['90th']),
      p95: ms(report.latencies['95th']),
      p99: ms(report.latencies['99th']),
      max: ms(report.latencies.max),
    },
    errors: report.errors ?? [],
    resultsFiles: written,
  };
  const thresholds: ThresholdResult[] = [];
  const { maxFailureRatio, maxP99Ms } = options.thresholds ?? {};
  if (maxFailureRatio !== undefined) {
    const observed = summary.requests ? summary.failures / summary.requests : 0;
    thresholds.push({ name: 'failure ratio', limit: maxFailureRatio, observed, ok: observed <= maxFailureRatio });
  }
  if (maxP99Ms !== undefined) thresholds.push({ name: 'p99 ms', limit: maxP99Ms, observed: summary.latencyMs.p99, ok: summary.latencyMs.p99 <= maxP99Ms });
  return { ...summary, thresholds };
}
