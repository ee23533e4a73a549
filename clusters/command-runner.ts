import { execa } from 'execa';
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

/** Runs commands for real, showing each with --verbose; never throws on a non-zero exit. */
export function execaRunner(progress: Progress): CommandRunner {
  return {
    async run(argv) {
      progress.command(argv);
      const [command, ...args] = argv as [string, ...string[]];
      const res = await execa(command, args, { reject: false, stdin: 'ignore' });
      return { exitCode: res.exitCode ?? 127, stdout: String(res.stdout), stderr: String(res.stderr) || (res.exitCode === undefined ? (res.shortMessage ?? '') : '') };
    },
  };
}
