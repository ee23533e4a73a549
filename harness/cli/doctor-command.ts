import { execa } from 'execa';
import { allBinaries, catalog, lookupBinary } from '../../clusters/components/index.ts';
import { parseCommandArgs } from './usage-error.ts';

export const doctorUsage = `usage: testbed doctor
  lists the tools each provider needs, with their versions, and what is missing and why`;

interface Tool {
  readonly name: string;
  readonly neededBy: string;
  readonly argv: readonly string[];
  /** The version out of the command's output. */
  readonly version: (stdout: string) => string;
}

const firstLine = (s: string) => s.trim().split('\n')[0] ?? '';

const TOOLS: readonly Tool[] = [
  { name: 'node', neededBy: 'everything', argv: ['node', '--version'], version: firstLine },
  { name: 'go', neededBy: 'building components from the Go module proxy', argv: ['go', 'version'], version: (s) => /go\d+\.\d+(\.\d+)?/.exec(s)?.[0] ?? firstLine(s) },
  { name: 'kubectl', neededBy: 'conflicting-apply checks (f) and (j); the kind and kubeconfig providers', argv: ['kubectl', 'version', '--client', '-o', 'json'], version: (s) => (JSON.parse(s) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion },
  { name: 'docker client', neededBy: 'the kind provider', argv: ['docker', '--version'], version: (s) => /version ([\w.-]+)/.exec(s)?.[1] ?? firstLine(s) },
  { name: 'docker engine', neededBy: 'the kind provider', argv: ['docker', 'version', '--format', '{{.Server.Version}}'], version: firstLine },
  { name: 'kind', neededBy: 'the kind provider', argv: ['kind', 'version'], version: firstLine },
  { name: 'istioctl', neededBy: 'the kind provider', argv: ['istioctl', 'version', '--remote=false'], version: firstLine },
];

/** What a tool said of itself, or exactly why it could not. */
async function probe(tool: Tool): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
  const [command, ...args] = tool.argv as [string, ...string[]];
  const res = await execa(command, args, { reject: false, timeout: 10_000, stdin: 'ignore' });
  if (res.exitCode === 0) {
    try {
      return { ok: true, version: tool.version(res.stdout) };
    } catch {
      return { ok: true, version: firstLine(res.stdout) };
    }
  }
  if ((res as { code?: string }).code === 'ENOENT') return { ok: false, reason: `${command} is not on PATH` };
  const said = firstLine(res.stderr || res.stdout) || res.shortMessage;
  return { ok: false, reason: `\`${tool.argv.join(' ')}\` exited ${res.exitCode ?? 'abnormally'}: ${said}` };
}

/** Lists each tool and pinned component with its version; exits 0 whatever is missing (it only reports). */
export async function doctorCommand(argv: string[]): Promise<number> {
  parseCommandArgs({ args: argv, options: {} });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out('tools');
  for (const tool of TOOLS) {
    const found = await probe(tool);
    out(`  ${found.ok ? '✓' : '✗'} ${tool.name.padEnd(14)} ${found.ok ? found.version : `missing: ${found.reason}`}  (for ${tool.neededBy})`);
  }
  out('pinned components (the embedded provider)');
  for (const binary of allBinaries()) {
    const spec = Object.values(catalog).find((c) => c.binaries.includes(binary))!;
    const resolved = await lookupBinary(binary);
    out(`  ${resolved ? '✓' : '✗'} ${binary.padEnd(24)} ${spec.version.padEnd(9)} ${resolved ? resolved.path : 'not installed: run `npm run testbed -- components install`'}`);
  }
  return 0;
}
