import { createInterface } from 'node:readline/promises';
import { execa } from 'execa';
import { binariesIn, cacheRoot, componentOf, lookupBinary, provisionBinaries, toolCommand } from '../clusters/components/index.ts';
import { TerminalProgress } from '../reports/index.ts';
import { parseCommandArgs } from './usage-error.ts';

export const doctorUsage = `usage: testbed doctor [--install] [--verbose]
  lists the tools each provider needs, with their versions, and what is missing and why
  --install   put the pinned kind, istioctl and kubectl in the cache (checksum-verified
              downloads; kind and kubectl also build from the Go module proxy)`;

interface Tool {
  readonly name: string;
  readonly neededBy: string;
  readonly argv: readonly string[];
  /** The version out of the command's output. */
  readonly version: (stdout: string) => string;
  /** Why the testbed cannot install it, for what only the user can. */
  readonly notInstallable?: string;
}

const firstLine = (s: string) => s.trim().split('\n')[0] ?? '';
const semver = (s: string) => /v?\d+\.\d+\.\d+[\w.+-]*/.exec(s)?.[0] ?? firstLine(s);

const TOOLS: readonly Tool[] = [
  { name: 'node', neededBy: 'everything', argv: ['node', '--version'], version: firstLine },
  { name: 'go', neededBy: 'building components from the Go module proxy', argv: ['go', 'version'], version: (s) => /go\d+\.\d+(\.\d+)?/.exec(s)?.[0] ?? firstLine(s) },
  { name: 'kubectl', neededBy: 'conflicting-apply checks (f) and (j); the kind and kubeconfig providers', argv: ['kubectl', 'version', '--client', '-o', 'json'], version: (s) => (JSON.parse(s) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion },
  { name: 'docker client', neededBy: 'the kind provider', argv: ['docker', '--version'], version: (s) => /version ([\w.-]+)/.exec(s)?.[1] ?? firstLine(s), notInstallable: 'install Docker (https://docs.docker.com/engine/install/)' },
  { name: 'docker engine', neededBy: 'the kind provider', argv: ['docker', 'version', '--format', '{{.Server.Version}}'], version: firstLine, notInstallable: 'start the Docker daemon, or install Docker Engine; it needs root, so the testbed cannot do it for you' },
  { name: 'kind', neededBy: 'the kind provider', argv: ['kind', 'version'], version: semver },
  { name: 'istioctl', neededBy: 'the kind provider', argv: ['istioctl', 'version', '--remote=false'], version: semver },
];

type Probe = { ok: true; version: string } | { ok: false; reason: string };

/** What a tool said of itself, or exactly why it could not. Pinned tools run from the cache when there. */
async function probe(tool: Tool, pinned: ReadonlySet<string>): Promise<Probe> {
  const [name, ...args] = tool.argv as [string, ...string[]];
  const command = pinned.has(name) ? await toolCommand(name) : name;
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
  return { ok: false, reason: `\`${[command, ...args].join(' ')}\` exited ${res.exitCode ?? 'abnormally'}: ${said}` };
}

/** `v0.33.0 (pinned, cache)` / `v1.32.4 (PATH; pinned v1.36.3 not installed)`. */
async function describeTool(tool: Tool, found: Probe, pinned: ReadonlySet<string>): Promise<string> {
  const name = tool.argv[0]!;
  const cached = pinned.has(name) ? await lookupBinary(name) : undefined;
  const pin = pinned.has(name) ? componentOf(name).version : undefined;
  const where = cached ? `pinned, ${cached.source.kind === 'override' ? cached.source.via : 'cache'}` : pin ? `PATH; pinned ${pin} not installed` : '';
  const status = found.ok ? `${found.version}${where ? ` (${where})` : ''}` : `missing: ${found.reason}${pin ? `; pinned ${pin} installable` : ''}`;
  const fix = !found.ok && tool.notInstallable ? `; ${tool.notInstallable}` : '';
  return `  ${found.ok ? '✓' : '✗'} ${tool.name.padEnd(14)} ${status}${fix}  (for ${tool.neededBy})`;
}

/** How `--install` can get a tool: its checksum-verified release download, then a Go build. */
function installRoutes(binary: string): string {
  const spec = componentOf(binary);
  return [spec.release && 'checksum-verified release download', !('unavailable' in spec.goBuild) && 'Go build from the module proxy'].filter(Boolean).join(', else ');
}

async function askYesNo(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/**
 * Lists each tool and pinned component with its version. Offers the pinned provider tools that
 * are not installed, and with --install (or a yes at the terminal) installs them: exit 2 when one
 * could not be, else 0 whatever is missing (the rest only reports).
 */
export async function doctorCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs({ args: argv, options: { install: { type: 'boolean', default: false }, verbose: { type: 'boolean', default: false } } });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const pinned = new Set(binariesIn('provider-tool'));
  out('tools');
  for (const tool of TOOLS) out(await describeTool(tool, await probe(tool, pinned), pinned));
  out('pinned components (the embedded provider)');
  for (const binary of binariesIn('core')) {
    const resolved = await lookupBinary(binary);
    out(`  ${resolved ? '✓' : '✗'} ${binary.padEnd(24)} ${componentOf(binary).version.padEnd(9)} ${resolved ? resolved.path : 'not installed: run `npm run testbed -- components install`'}`);
  }
  const installable: string[] = [];
  for (const binary of pinned) if (!(await lookupBinary(binary))) installable.push(binary);
  if (!installable.length) return 0;
  const offer = installable.map((b) => `${b} ${componentOf(b).version} (${installRoutes(b)})`).join(', ');
  let install = values.install;
  if (!install) {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      out(`\nnot installed: ${offer}. \`npm run testbed -- doctor --install\` puts them in ${cacheRoot()}.`);
      return 0;
    }
    install = await askYesNo(`\nInstall the pinned ${offer} into ${cacheRoot()}? [y/N] `);
    if (!install) return 0;
  }
  return installTools(installable, values.verbose);
}

async function installTools(binaries: readonly string[], verbose: boolean): Promise<number> {
  const progress = new TerminalProgress(process.stderr, verbose);
  let failed = 0;
  for (const binary of binaries) {
    try {
      const { [binary]: resolved } = await provisionBinaries([binary], { progress });
      process.stdout.write(`installed ${binary} ${resolved!.version}: ${resolved!.path}\n`);
    } catch (err) {
      failed++;
      process.stdout.write(`could not install ${binary}:\n${(err as Error).message}\n`);
    }
  }
  return failed ? 2 : 0;
}
