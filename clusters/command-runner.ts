import { execa } from 'execa';
import { binariesIn, toolCommand } from './components/index.ts';
import type { Progress } from './progress.ts';

export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Every external command a provider runs goes through one of these, so tests can stand in for it. */
export interface CommandRunner {
  run(argv: readonly string[]): Promise<CommandResult>;
}

/**
 * Runs commands for real, showing each with --verbose; never throws on a non-zero exit. kind,
 * istioctl and kubectl run as their pinned builds when `testbed doctor --install` put them in
 * the cache, else as found on PATH.
 */
export function execaRunner(progress: Progress): CommandRunner {
  const tools = new Set(binariesIn('provider-tool'));
  return {
    async run(argv) {
      const [name, ...args] = argv as [string, ...string[]];
      const command = tools.has(name) ? await toolCommand(name) : name;
      progress.command([command, ...args]);
      const res = await execa(command, args, { reject: false, stdin: 'ignore' });
      return { exitCode: res.exitCode ?? 127, stdout: String(res.stdout), stderr: String(res.stderr) || (res.exitCode === undefined ? (res.shortMessage ?? '') : '') };
    },
  };
}
