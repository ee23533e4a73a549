import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandRunner } from './command-runner.ts';
import type { Progress } from './progress.ts';
import { ProviderError } from './provider.ts';

export interface PlanStep {
  readonly name: string;
  readonly argv: readonly string[];
  /** Undoes this step when a later one fails. */
  readonly undo?: readonly string[];
}

/** A provider's set-up as data: generated files and ordered commands, each with its undo. */
export interface CommandPlan {
  /** What the plan sets up, for its error messages: `kind set-up`. */
  readonly title: string;
  /** File name → content, written to the work folder before the first step. */
  readonly files: Readonly<Record<string, string>>;
  readonly steps: readonly PlanStep[];
}

/**
 * Writes the plan's files and runs its steps in order. When a step fails, the steps done so far
 * are undone in reverse, and the error names the step, its exit code and what it printed.
 */
export async function runPlan(plan: CommandPlan, workDir: string, runner: CommandRunner, progress: Progress): Promise<void> {
  await mkdir(workDir, { recursive: true });
  for (const [name, content] of Object.entries(plan.files)) await writeFile(join(workDir, name), content);
  const done: PlanStep[] = [];
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
      `${plan.title} failed at "${step.name}": \`${step.argv.join(' ')}\` exited ${result.exitCode}${said ? `:\n    ${said}` : ''}\n  ${undone.length ? `cleaned up: ${undone.join('; ')}` : 'nothing to clean up'}`,
    );
  }
}

/** The plan as a user reads it (`--dry-run`): the files, then each command in order. */
export function describePlan(plan: CommandPlan, workDir: string): string {
  const files = Object.entries(plan.files).map(([name, content]) => `# ${join(workDir, name)}\n${content.trimEnd()}`);
  const steps = plan.steps.map((s, i) => `${i + 1}. ${s.name}\n   $ ${s.argv.map((a) => (/[\s{}"']/.test(a) ? `'${a}'` : a)).join(' ')}${s.undo ? `\n   (undone by: ${s.undo.join(' ')})` : ''}`);
  return `files:\n${files.join('\n\n')}\n\ncommands:\n${steps.join('\n')}`;
}
