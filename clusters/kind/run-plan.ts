import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandRunner } from '../command-runner.ts';
import type { Progress } from '../progress.ts';
import { ProviderError } from '../provider.ts';
import type { KindPlan } from './kind-plan.ts';

/**
 * Writes the plan's files and runs its steps in order. When a step fails, the steps done so far
 * are undone in reverse (the kind cluster deleted), and the error names the step, its exit code
 * and what it printed.
 */
export async function runPlan(plan: KindPlan, workDir: string, runner: CommandRunner, progress: Progress): Promise<void> {
  await mkdir(workDir, { recursive: true });
  for (const [name, content] of Object.entries(plan.files)) await writeFile(join(workDir, name), content);
  const done: KindPlan['steps'][number][] = [];
  for (const step of plan.steps) {
    const task = progress.begin(step.name);
    const result = await runner.run(step.argv);
    if (result.exitCode === 0) {
      task.end('done');
      done.push(step);
      continue;
    }
    task.end('failed');
    const undone: string[] = [];
    for (const earlier of done.reverse()) {
      if (!earlier.undo) continue;
      const undo = await runner.run(earlier.undo);
      undone.push(`${earlier.undo.join(' ')} (exit ${undo.exitCode})`);
    }
    const said = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n    ');
    throw new ProviderError(
      `kind set-up failed at "${step.name}": \`${step.argv.join(' ')}\` exited ${result.exitCode}${said ? `:\n    ${said}` : ''}\n  ${undone.length ? `cleaned up: ${undone.join('; ')}` : 'nothing to clean up'}`,
    );
  }
}

/** The plan as a user reads it (`--dry-run`): the files, then each command in order. */
export function describePlan(plan: KindPlan, workDir: string): string {
  const files = Object.entries(plan.files).map(([name, content]) => `# ${join(workDir, name)}\n${content.trimEnd()}`);
  const steps = plan.steps.map((s, i) => `${i + 1}. ${s.name}\n   $ ${s.argv.map((a) => (/[\s{}"']/.test(a) ? `'${a}'` : a)).join(' ')}${s.undo ? `\n   (undone by: ${s.undo.join(' ')})` : ''}`);
  return `files:\n${files.join('\n\n')}\n\ncommands:\n${steps.join('\n')}`;
}
