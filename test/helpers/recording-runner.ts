import type { CommandRunner } from '../../clusters/command-runner.ts';

/** A command runner that records each command line and fails the first whose line contains `failOn`, saying `stderr`. */
export function recordingRunner(failOn?: string, stderr = 'Error: no such image\nmore detail') {
  const ran: string[] = [];
  const runner: CommandRunner = {
    async run(argv) {
      const line = argv.join(' ');
      ran.push(line);
      return failOn && line.includes(failOn) ? { exitCode: 1, stdout: '', stderr } : { exitCode: 0, stdout: '', stderr: '' };
    },
  };
  return { runner, ran };
}
