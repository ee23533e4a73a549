import { ComponentUnavailableError, BuildError } from '../clusters/components/index.ts';
import { ImageMapError } from '../clusters/embedded/index.ts';
import { ProcessError } from '../clusters/process/index.ts';
import { ProviderError } from '../clusters/provider.ts';
import { clusterCommand, clusterUsage } from './cluster-command.ts';
import { componentsCommand, componentsUsage } from './components-command.ts';
import { doctorCommand, doctorUsage } from './doctor-command.ts';
import { initCommand, initUsage } from './init-command.ts';
import { exitWhenFlushed, installInterruptHandlers, settleInterrupt, tolerateClosedOutput } from './interrupts.ts';
import { loadCommand, loadUsage } from './load-command.ts';
import { logsCommand, logsUsage } from './logs-command.ts';
import { reportCommand, reportUsage } from './report-command.ts';
import { scenarioCommand, scenarioUsage } from './scenario-command.ts';
import { UsageError } from './usage-error.ts';

const usage = `usage: testbed <command> [options]

commands:
  scenario    run scenarios and write reports
  cluster     start, stop and inspect the embedded cluster
  components  list or install the pinned component binaries
  load        drive the cluster's ingress gateway with vegeta
  doctor      list the tools each provider needs, and what is missing
  logs        print a pod container's log
  report      render report.html, with a trend, from saved report.json files
  init        write a starter: testbed.config.ts, a scenario file and an image map

${scenarioUsage}

${clusterUsage}

${componentsUsage}

${loadUsage}

${doctorUsage}

${logsUsage}

${reportUsage}

${initUsage}

Exit codes: 0 success, 1 a scenario failed, 2 usage or environment error, 130/143 interrupted.`;

const commands: Record<string, { run: (argv: string[]) => Promise<number>; usage: string }> = {
  scenario: { run: scenarioCommand, usage: scenarioUsage },
  cluster: { run: clusterCommand, usage: clusterUsage },
  components: { run: componentsCommand, usage: componentsUsage },
  load: { run: loadCommand, usage: loadUsage },
  doctor: { run: doctorCommand, usage: doctorUsage },
  logs: { run: logsCommand, usage: logsUsage },
  report: { run: reportCommand, usage: reportUsage },
  init: { run: initCommand, usage: initUsage },
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${usage}\n`);
    return command ? 0 : 2;
  }
  const found = commands[command];
  if (!found) throw new UsageError(`unknown command "${command}"`);
  return found.run(rest);
}

/** A mistake in one command gets that command's usage; anything else, the whole of it. */
function usageFor(argv: readonly string[]): string {
  const found = commands[argv[0] ?? ''];
  return found ? `${found.usage}

\`testbed help\` shows every command.` : usage;
}

installInterruptHandlers((message) => process.stderr.write(`${message}\n`));
tolerateClosedOutput();
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`error: ${err.message}\n\n${usageFor(process.argv.slice(2))}\n`);
  } else if (err instanceof ComponentUnavailableError || err instanceof BuildError || err instanceof ProcessError || err instanceof ProviderError || err instanceof ImageMapError) {
    process.stderr.write(`error: ${err.message}\n`);
  } else {
    process.stderr.write(`error: ${(err as Error).stack ?? err}\n`);
  }
  process.exitCode = 2;
}
await settleInterrupt();
// Leftover keep-alive sockets of API clients must not hold the command open; the output must
// still arrive whole through a pipe, so the exit waits for stdout and stderr to drain.
await exitWhenFlushed();
