import { binariesIn, provisionBinaries } from '../clusters/components/index.ts';
import { TerminalProgress } from '../reports/index.ts';

/**
 * Integration tests start real clusters; on a fresh machine their binaries must first be built
 * (minutes), which no test's timeout should absorb. A cache hit makes this instant.
 */
export async function mochaGlobalSetup(): Promise<void> {
  await provisionBinaries(binariesIn('core'), { progress: new TerminalProgress(process.stderr) });
}
