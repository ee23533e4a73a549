import { parseArgs } from 'node:util';
import { clusterRun, ensureCachedBinaries } from './cluster-bench.ts';
import { sideBySide } from './measurements.ts';

const usage = `usage: npm run bench -- cluster [--runs N]
  cluster   start the embedded cluster from cached binaries until Ready, start 3 demo pods,
            and measure the total RSS; 1 node and 3 nodes side by side`;

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { runs: { type: 'string', default: '5' } } });
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  const [what] = parsed.positionals;
  const runs = Number(parsed.values.runs);
  if (what !== 'cluster' || !Number.isInteger(runs) || runs < 1) {
    process.stderr.write(`${what && what !== 'cluster' ? `error: unknown benchmark "${what}"\n` : ''}${usage}\n`);
    return 2;
  }
  await ensureCachedBinaries();
  const variants = [
    { name: '1 node', nodes: 1, results: {} as Record<string, number[]> },
    { name: '3 nodes', nodes: 3, results: {} as Record<string, number[]> },
  ];
  // Interleave variants so drift on the machine affects both alike.
  for (let run = 0; run < runs; run++) {
    for (const variant of variants) {
      const measured = await clusterRun(variant.nodes, run);
      for (const [metric, value] of Object.entries(measured)) (variant.results[metric] ??= []).push(value);
      process.stderr.write(`run ${run + 1}/${runs} ${variant.name}: ${Object.entries(measured).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}\n`);
    }
  }
  process.stdout.write(
    `\nembedded cluster, ${runs} runs each, ${new Date().toISOString()}\n${sideBySide(
      [
        { name: 'cluster up', unit: 's' },
        { name: '3 demo pods ready', unit: 's' },
        { name: 'total RSS', unit: 'MiB', format: (n) => n.toFixed(0) },
        { name: 'total PSS', unit: 'MiB', format: (n) => n.toFixed(0) },
      ],
      variants,
    )}\n`,
  );
  return 0;
}

process.exit(await main());
