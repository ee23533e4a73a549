import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'chai';
import { cliMain } from '../../helpers/cli.ts';

/** A pipe's buffer on Linux; the output here must be far larger to prove anything. */
const PIPE_BUFFER = 64 * 1024;
const LINES = 20_000;

/**
 * A user's scenario whose summary runs to LINES lines, so that `scenario --list` prints over a
 * megabyte without a cluster, Docker, Go or the network.
 */
const longScenario = `import { defineScenario } from 'delivery-testbed';

export default defineScenario({
  name: 'long-summary',
  summary: Array.from({ length: ${LINES} }, (_, i) => \`line \${i} of a summary long enough to overflow any pipe buffer\`).join('\\n'),
  needs: { components: [], addons: [] },
  tunables: {},
  async run() {},
});
`;

type Which = 'stdout' | 'stderr';
interface Run {
  readonly code: number | null;
  readonly output: Buffer;
  /** The other stream, read normally: what went wrong, when something did. */
  readonly other: string;
}

/** The CLI as a user runs it, its stdin ignored, killed should it hang. */
const startCli = (args: readonly string[], stdio: ['ignore', 'pipe' | number, 'pipe' | number]): ChildProcess =>
  spawn(process.execPath, ['--import', 'tsx', cliMain, ...args], { stdio, timeout: 90_000 });

const lines = (b: Buffer) => b.toString('utf8').split('\n').length - 1;

/** `testbed ARGS > file` (or `2> file`): writes to a file are synchronous, so this output is whole. */
async function intoFile(dir: string, args: readonly string[], which: Which): Promise<Run> {
  const file = join(dir, `${which}-${Math.random().toString(36).slice(2)}.txt`);
  const fd = openSync(file, 'w');
  let child: ChildProcess;
  try {
    child = startCli(args, ['ignore', which === 'stdout' ? fd : 'pipe', which === 'stderr' ? fd : 'pipe']);
  } finally {
    closeSync(fd);
  }
  let other = '';
  child[which === 'stdout' ? 'stderr' : 'stdout']!.on('data', (c: Buffer) => (other += c.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, output: await readFile(file), other };
}

/**
 * `testbed ARGS | slow-reader`: after the first chunk the reader takes nothing more until the CLI
 * has exited or `pauseMs` have passed, so whatever the CLI had not handed to the pipe when it
 * exited is lost, as with `| less` or a CI log collector that falls behind.
 */
async function throughSlowPipe(args: readonly string[], which: Which, pauseMs = 3000): Promise<Run> {
  const child = startCli(args, ['ignore', 'pipe', 'pipe']);
  const exited = once(child, 'exit');
  const stream = child[which]!;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.once('data', () => {
    stream.pause();
    void Promise.race([exited, delay(pauseMs)]).then(() => stream.resume());
  });
  let other = '';
  child[which === 'stdout' ? 'stderr' : 'stdout']!.on('data', (c: Buffer) => (other += c.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, output: Buffer.concat(chunks), other };
}

describe('CLI output through a pipe', function () {
  // Each run type-checks the scenario file, some seconds.
  this.timeout(120_000);
  let dir: string;
  let scenarios: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tb-output-pipe-'));
    scenarios = join(dir, 'scenarios');
    await mkdir(scenarios);
    await writeFile(join(scenarios, 'long.scenario.ts'), longScenario);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('a slow reader of stdout gets the whole output, byte for byte what a file gets', async () => {
    const args = ['scenario', '--scenarios', scenarios, '--list'];
    const [piped, filed] = await Promise.all([throughSlowPipe(args, 'stdout'), intoFile(dir, args, 'stdout')]);
    expect(filed.code, filed.other).to.equal(0);
    expect(filed.output.length, 'the output, far larger than a pipe buffer').to.be.above(16 * PIPE_BUFFER);
    expect(lines(filed.output)).to.be.above(LINES);
    expect(piped.code, piped.other).to.equal(0);
    expect(
      { bytes: piped.output.length, lines: lines(piped.output) },
      'through a pipe as into a file',
    ).to.deep.equal({ bytes: filed.output.length, lines: lines(filed.output) });
    expect(piped.output.equals(filed.output), 'the same bytes').to.equal(true);
  });

  it('a slow reader of stderr gets the whole error, and the exit code stays 2', async () => {
    // The error names the scenarios there are, the long one among them.
    const args = ['scenario', '--scenarios', scenarios, 'no-such-scenario'];
    const [piped, filed] = await Promise.all([throughSlowPipe(args, 'stderr'), intoFile(dir, args, 'stderr')]);
    expect(filed.code).to.equal(2);
    expect(filed.output.toString()).to.match(/^error: unknown scenario "no-such-scenario"/);
    expect(filed.output.length).to.be.above(16 * PIPE_BUFFER);
    expect(piped.code).to.equal(2);
    expect({ bytes: piped.output.length, lines: lines(piped.output) }, 'through a pipe as into a file').to.deep.equal({
      bytes: filed.output.length,
      lines: lines(filed.output),
    });
    expect(piped.output.equals(filed.output), 'the same bytes').to.equal(true);
  });

  it('a reader that closes after the first line (| head -1) ends the CLI quietly and at once', async () => {
    const child = startCli(['scenario', '--scenarios', scenarios, '--list'], ['ignore', 'pipe', 'pipe']);
    let first = '';
    let closedAt = 0;
    child.stdout!.on('data', (c: Buffer) => {
      if (closedAt) return;
      first += c.toString();
      if (!first.includes('\n')) return;
      first = first.slice(0, first.indexOf('\n'));
      closedAt = Date.now();
      child.stdout!.destroy();
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    const took = Date.now() - closedAt;
    expect(first).to.equal('scenarios:');
    expect(stderr, 'nothing on stderr, no EPIPE above all').to.equal('');
    expect({ code, signal }).to.deep.equal({ code: 0, signal: null });
    expect(took, 'ms from the reader closing to the exit').to.be.below(5000);
  });

  it('a reader that takes nothing does not hold the CLI past Ctrl-C', async () => {
    const child = startCli(['scenario', '--scenarios', scenarios, '--list'], ['ignore', 'pipe', 'pipe']);
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    // The first chunk, then nothing: the CLI is left waiting for the pipe to take the rest.
    await once(child.stdout!, 'data');
    child.stdout!.pause();
    const exited = once(child, 'exit');
    await delay(1000);
    expect(child.exitCode, 'still waiting for the pipe').to.equal(null);
    const sentAt = Date.now();
    child.kill('SIGINT');
    const [code] = (await exited) as [number | null];
    expect(code, stderr).to.equal(130);
    expect(Date.now() - sentAt, 'ms from Ctrl-C to the exit').to.be.below(5000);
    child.stdout!.destroy();
  });
});
