import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/** The CLI's entry point, for tests that drive it themselves (its stdin, say). */
export const cliMain = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));

/** Runs the real CLI as a user would (`testbed ARGS`), never throwing on a non-zero exit. */
export function runCli(args: readonly string[], env: Record<string, string> = {}) {
  return execa(process.execPath, ['--import', 'tsx', cliMain, ...args], { env, reject: false, all: true, stdin: 'ignore' as const });
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}
