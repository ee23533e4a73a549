import { binariesIn, provisionBinaries } from '../clusters/components/index.ts';
import { TerminalProgress } from '../reports/index.ts';
import { stopSharedCluster } from './helpers/test-cluster.ts';
import { reapDeadRuns, reapThisRun } from './helpers/test-state.ts';

/**
 * Integration tests start real clusters; on a fresh machine their binaries must first be built
 * (minutes), which no test's timeout should absorb. A cache hit makes this instant. Clusters an
 * interrupted or crashed test run left are stopped here, and an interrupt stops this run's.
 */
export async function mochaGlobalSetup(): Promise<void> {
  const leftovers = await reapDeadRuns();
  if (leftovers) process.stderr.write(`stopped ${leftovers} processes an earlier, interrupted test run left\n`);
  // Listeners stay registered while the reap runs: with none left, execa's signal-exit would re-raise
  // the signal and end the process at once. mocha's parent process sends SIGINT, then SIGTERM.
  let stopping: Promise<unknown> | undefined;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      stopping ??= reapThisRun().finally(() => process.exit(code));
    });
  }
  await provisionBinaries(binariesIn('core'), { progress: new TerminalProgress(process.stderr) });
}

/** Anything a suite's own clean-up missed. */
export async function mochaGlobalTeardown(): Promise<void> {
  await stopSharedCluster();
  const leftovers = await reapThisRun();
  if (leftovers) process.stderr.write(`stopped ${leftovers} processes the tests left running\n`);
}
