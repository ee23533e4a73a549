import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

/**
 * --pause: before each when-step, print the kubectl commands that show what is about to change
 * and wait for Enter. Once the input ends (no terminal, or Ctrl-D), the run goes on without pausing.
 */
export function pausePrompt(kubectl: string, kubeconfig: string, input: Readable, output: Writable): { pause(step: string, shows: ReadonlyArray<readonly string[]>): Promise<void>; close(): void } {
  const lines = createInterface({ input, terminal: false });
  const waiting: Array<() => void> = [];
  let ended = false;
  lines.on('line', () => waiting.shift()?.());
  lines.on('close', () => {
    ended = true;
    for (const go of waiting.splice(0)) go();
  });
  return {
    pause(step, shows) {
      if (ended) return Promise.resolve();
      const watch = shows.map((args) => `    ${[kubectl, '--kubeconfig', kubeconfig, ...args].map(quote).join(' ')}\n`).join('');
      output.write(`\n⏸  next: ${step}\n${watch ? `   to watch it happen, in another terminal:\n${watch}` : ''}   press Enter to go on\n`);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: () => lines.close(),
  };
}
