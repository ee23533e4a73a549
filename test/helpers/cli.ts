import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { poll } from '../../clusters/poll.ts';

/** The CLI's entry point, for tests that drive it themselves (its stdin, say). */
export const cliMain = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));

/** Runs the real CLI as a user would (`testbed ARGS`), never throwing on a non-zero exit. */
export function runCli(args: readonly string[], env: Record<string, string> = {}) {
  return execa(process.execPath, ['--import', 'tsx', cliMain, ...args], { env, reject: false, all: true, stdin: 'ignore' as const });
}

/** {@link poll} in the argument order the integration tests use. */
export const waitFor = <T>(probe: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> => poll({ what, probe, timeoutMs });
