import { binariesIn, componentOf, LOCAL_TOOLS, lookupBinary, overrideEnvVar, provisionBinaries, type ResolvedBinary } from '../clusters/components/index.ts';
import { describeSource } from '../clusters/embedded/index.ts';
import { TerminalProgress } from '../reports/index.ts';
import { UsageError, parseBinaryOverrides, parseCommandArgs } from './usage-error.ts';

export const componentsUsage = `usage: testbed components <list|install> [--bin NAME=PATH]... [--verbose]
  list      each component binary, its pinned version and where it comes from
  install   provision the embedded cluster's components and the tools scenarios run here
            (vegeta, kubectl) now (download, else build from the Go module proxy); the kind
            provider's other tools come with \`testbed doctor --install\``;

function row(binary: string, resolved: ResolvedBinary | undefined): string {
  const spec = componentOf(binary);
  const install = { core: 'run `testbed components install`', addon: `started when a scenario needs it; supply it with ${overrideEnvVar(binary)}=PATH`, 'provider-tool': 'run `testbed doctor --install`' }[spec.scope];
  const source = resolved ? describeSource(resolved) : `missing (${install})`;
  return `${binary.padEnd(24)} ${spec.version.padEnd(9)} ${source.padEnd(28)} ${resolved?.path ?? ''}`;
}

export async function componentsCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const { values } = parseCommandArgs({ args: rest, options: { bin: { type: 'string', multiple: true }, verbose: { type: 'boolean', default: false } } });
  const overrides = parseBinaryOverrides(values.bin);
  const binaries = [...new Set([...binariesIn('core'), ...LOCAL_TOOLS])];
  process.stdout.write(`${'BINARY'.padEnd(24)} ${'VERSION'.padEnd(9)} ${'SOURCE'.padEnd(28)} PATH\n`);
  switch (action) {
    case 'list':
      for (const binary of new Set([...binaries, ...binariesIn('addon'), ...binariesIn('provider-tool')])) process.stdout.write(`${row(binary, await lookupBinary(binary, { overrides }))}\n`);
      return 0;
    case 'install': {
      const resolved = await provisionBinaries(binaries, { overrides, progress: new TerminalProgress(process.stderr, values.verbose) });
      for (const binary of binaries) process.stdout.write(`${row(binary, resolved[binary])}\n`);
      return 0;
    }
    default:
      throw new UsageError(action ? `unknown components action "${action}"` : 'missing components action');
  }
}
