import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../clusters/kube/index.ts';
import type { ClusterConnection, Controllers, Faults, LogSource } from '../clusters/provider.ts';
import { Attempt } from './attempt.ts';
import type { LoadTools } from './attempt-loads.ts';
import type { AttemptPlan } from './attempt-plan.ts';
import type { EngineEvent } from './events.ts';
import { LoadMetricsTarget } from './load-metrics-target.ts';
import type { Matrix } from './matrix.ts';
import type { Verdict } from './results.ts';
import { schedule } from './scheduler.ts';

/**
 * The default number of attempts at once, measured on 2 cores. Seven at once ran the default suite
 * no faster than four, with no headroom left. Four ran it in 141 s, but ten repeats of the suite
 * at four saw 7 of 58 attempts fail on timing, the machine's load average near 9: Flagger ending
 * no analysis within its bound, a good canary's p99 over the gate, a rollout's p99 over 500 ms.
 * Three leaves the controllers and the mesh the CPU their timing assumes.
 */
export const WORKER_LIMIT = 3;
/** What --workers may ask for. */
export const MAX_WORKERS = 32;

export interface RunOptions {
  /** Every attempt, in order (planAttempts). */
  readonly attempts: readonly AttemptPlan[];
  /** How many attempts run at once, each in its own namespace; attempts that contend for a part of the cluster run one after another. */
  readonly workers: number;
  /** Test-only: start attempts as if they held nothing, so that the guard meets their clash. */
  readonly ignoreHolds?: boolean;
  /** The `--matrix` the attempts sweep, for the reports. */
  readonly matrix?: Matrix;
  readonly repeat: number;
  readonly keep: boolean;
  readonly cluster: ClusterConnection;
  readonly controllers: Controllers;
  /** The provider session's faults; absent where it cannot inject any. */
  readonly faults?: Faults;
  /** The provider session's logs, read for a failed or errored attempt's diagnostics. */
  readonly logs?: LogSource;
  /** Absent when no selected scenario needs load. */
  readonly load?: LoadTools;
  readonly emit: (event: EngineEvent) => void;
  /** --pause: resolves when the user lets the when-step begin. */
  readonly pause?: (step: string, shows: ReadonlyArray<readonly string[]>) => Promise<void>;
}

/** Runs every attempt, `workers` at a time, emitting events. Resolves with every verdict, in the attempts' order. */
export async function runScenarios(options: RunOptions): Promise<Verdict[]> {
  const started = Date.now();
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(options.cluster.kubeconfig);
  const kube = await KubeClient.fromKubeConfig(kubeConfig);
  const loadTarget = new LoadMetricsTarget(options.cluster.scrapeTargetsDir);
  options.emit({
    type: 'run-begin',
    scenarios: [...new Set(options.attempts.map((a) => a.scenario.name))],
    repeat: options.repeat,
    workers: options.workers,
    ...(options.matrix ? { matrix: options.matrix } : {}),
    provider: options.cluster.provider,
    versions: options.cluster.versions,
  });
  const verdicts = new Map<AttemptPlan, Verdict>();
  try {
    // Ready before the first scenario, so a load starts the moment a scenario asks for it.
    if (options.load) await loadTarget.ensure();
    const { cluster, controllers, faults, logs, load, keep, emit, pause } = options;
    const env = { cluster, controllers, faults, logs, load, keep, emit, pause, kube, kubeConfig, loadTarget };
    await schedule(options.attempts, {
      workers: options.workers,
      ...(options.ignoreHolds ? { ignoreHolds: true } : {}),
      run: async (plan, start) => void verdicts.set(plan, await new Attempt(plan, env).run(start)),
    });
  } finally {
    kube.close();
    await loadTarget.stop();
    options.emit({ type: 'run-end', durationMs: Date.now() - started });
  }
  return options.attempts.map((a) => verdicts.get(a)!);
}
