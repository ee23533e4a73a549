import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { clusterRun, ensureCachedBinaries } from './cluster-bench.ts';
import { sideBySide, summarize } from './measurements.ts';
import { meshBenchCluster, meshRun } from './mesh-bench.ts';
import { defaultSuiteReport, launchChromium, reportRun, reportVariants } from './report-bench.ts';
import { defaultSuite } from '../scenarios/index.ts';
import { suiteCluster, suiteRun } from './suite-bench.ts';
import { repeatScenarios, verdictAgreement } from './verdicts-bench.ts';

const usage = `usage: npm run bench -- <cluster|mesh|report|suite|verdicts> [--runs N] [--report FILE] [SCENARIO...]
  cluster   start the embedded cluster from cached binaries until Ready, start 3 demo pods,
            and measure the total RSS; 1 node and 3 nodes side by side (default 5 runs)
  mesh      vegeta at 500 and 1000 rps for 10 s, straight to a demo pod and through the ingress
            gateway, and 3000 rps through the gateway, side by side: latency, what the gateway
            adds, its CPU and RSS (default 3 runs)
  report    report.html of one scenario, the default suite (--report FILE, else a saved one)
            and the suite with a trend: size, render time in node, drawn time in Chromium (7 runs)
  suite     the default suite on one embedded cluster with --workers 1 and with the default
            workers, side by side: wall time, the cluster's peak RSS, the machine's CPU (3 runs)
  verdicts  run SCENARIO... (default: the default suite) --runs times on one embedded cluster: how
            far each scenario's verdicts agree, each check's pass rate, each metric's spread (10 runs)`;

type Variant = { name: string; results: Record<string, number[]> };

function record(variant: Variant, measured: Record<string, number>, run: number, runs: number): void {
  for (const [metric, value] of Object.entries(measured)) (variant.results[metric] ??= []).push(value);
  process.stderr.write(`run ${run + 1}/${runs} ${variant.name}: ${Object.entries(measured).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}\n`);
}

async function benchCluster(runs: number): Promise<string> {
  await ensureCachedBinaries();
  const variants = [
    { name: '1 node', nodes: 1, results: {} as Record<string, number[]> },
    { name: '3 nodes', nodes: 3, results: {} as Record<string, number[]> },
  ];
  // Interleave variants so drift on the machine affects both alike.
  for (let run = 0; run < runs; run++) {
    for (const variant of variants) record(variant, await clusterRun(variant.nodes, run), run, runs);
  }
  return `embedded cluster, ${runs} runs each\n${sideBySide(
    [
      { name: 'cluster up', unit: 's' },
      { name: '3 demo pods ready', unit: 's' },
      { name: 'total RSS', unit: 'MiB', format: (n) => n.toFixed(0) },
      { name: 'total PSS', unit: 'MiB', format: (n) => n.toFixed(0) },
    ],
    variants,
  )}`;
}

async function benchMesh(runs: number): Promise<string> {
  await ensureCachedBinaries();
  const cluster = await meshBenchCluster();
  const variants: Array<Variant & { path: 'direct' | 'gateway'; rps: number }> = [
    ...[500, 1000].flatMap((rps) => (['direct', 'gateway'] as const).map((path) => ({ name: `${path} ${rps} rps`, path, rps, results: {} }))),
    { name: 'gateway 3000 rps', path: 'gateway', rps: 3000, results: {} },
  ];
  try {
    for (let run = 0; run < runs; run++) {
      for (const v of variants) record(v, await meshRun(cluster, v.path, v.rps, 10), run, runs);
    }
  } finally {
    await cluster.close();
  }
  const added = [500, 1000].map((rps) => {
    const median = (path: string, q: string) => summarize(variants.find((v) => v.path === path && v.rps === rps)!.results[q]!).median;
    return `added by the gateway at ${rps} rps: ${['p50', 'p90', 'p99'].map((q) => `${q} ${(median('gateway', q) - median('direct', q)).toFixed(2)} ms`).join(', ')}`;
  });
  return `mesh, ${runs} runs of 10 s each (load: vegeta, open loop at a constant rate)\n${sideBySide(
    [
      { name: 'p50', unit: 'ms', format: (n) => n.toFixed(2) },
      { name: 'p90', unit: 'ms', format: (n) => n.toFixed(2) },
      { name: 'p99', unit: 'ms', format: (n) => n.toFixed(2) },
      { name: 'achieved rps', unit: 'req/s', format: (n) => n.toFixed(0) },
      { name: 'failed requests', unit: 'n', format: (n) => n.toFixed(0) },
    ],
    variants,
  )}\n${sideBySide(
    [
      { name: 'mesh vCPU per 1000 rps', unit: 'vCPU', format: (n) => n.toFixed(3) },
      { name: 'mesh RSS', unit: 'MiB', format: (n) => n.toFixed(0) },
    ],
    variants.filter((v) => v.path === 'gateway'),
  )}\n${added.join('\n')}`;
}

async function benchReport(runs: number, reportFile: string | undefined): Promise<string> {
  const saved = await defaultSuiteReport(reportFile);
  const variants = reportVariants(saved).map((v) => ({ ...v, results: {} as Record<string, number[]> }));
  const dir = await mkdtemp(join(tmpdir(), 'bench-html-'));
  const browser = await launchChromium();
  try {
    for (let run = 0; run < runs; run++) {
      for (const v of variants) record(v, await reportRun(browser, v.data, dir), run, runs);
    }
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
  return `report.html from ${saved.file}, ${runs} runs each (the first render in a process also bundles the page: see max)\n${sideBySide(
    [
      { name: 'report.html size', unit: 'MiB', format: (n) => n.toFixed(2) },
      { name: 'render in node', unit: 'ms', format: (n) => n.toFixed(0) },
      { name: 'drawn in chromium', unit: 'ms', format: (n) => n.toFixed(0) },
    ],
    variants,
  )}`;
}

async function benchSuite(runs: number): Promise<string> {
  await ensureCachedBinaries();
  const dir = await mkdtemp(join(tmpdir(), 'bench-suite-'));
  const cluster = await suiteCluster(dir);
  const variants: Array<Variant & { workers: number | undefined }> = [
    { name: '--workers 1', workers: 1, results: {} },
    { name: 'default workers', workers: undefined, results: {} },
  ];
  try {
    for (let run = 0; run < runs; run++) {
      for (const v of variants) record(v, await suiteRun(cluster, v.workers, join(dir, `report-${run}-${v.workers ?? 'default'}`)), run, runs);
    }
  } finally {
    await cluster.close();
    await rm(dir, { recursive: true, force: true });
  }
  return `the default suite on one embedded cluster, ${runs} runs each (interleaved)\n${sideBySide(
    [
      { name: 'wall', unit: 's' },
      { name: 'peak cluster RSS', unit: 'MiB', format: (n) => n.toFixed(0) },
      { name: 'machine CPU', unit: 'CPU s' },
      { name: 'scenarios passed', unit: `of ${defaultSuite.length}`, format: (n) => n.toFixed(0) },
    ],
    variants,
  )}`;
}

async function benchVerdicts(runs: number, _reportFile: string | undefined, names: readonly string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-verdicts-'));
  try {
    const report = await repeatScenarios(names, runs, dir);
    return `verdicts of ${report.scenarios.map((s) => s.scenario).join(', ')}, ${runs} runs each on one embedded cluster (median (min–max))\n${verdictAgreement(report)}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

type Bench = (runs: number, reportFile: string | undefined, names: readonly string[]) => Promise<string>;

const benchmarks: Record<string, { runs: number; run: Bench; takesNames?: true }> = {
  cluster: { runs: 5, run: benchCluster },
  mesh: { runs: 3, run: benchMesh },
  report: { runs: 7, run: benchReport },
  suite: { runs: 3, run: benchSuite },
  verdicts: { runs: 10, run: benchVerdicts, takesNames: true },
};

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { runs: { type: 'string' }, report: { type: 'string' } } });
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  const [what, ...names] = parsed.positionals;
  const bench = what ? benchmarks[what] : undefined;
  const runs = Number(parsed.values.runs ?? bench?.runs);
  if (!bench || !Number.isInteger(runs) || runs < 1 || (parsed.values.report !== undefined && what !== 'report') || (names.length > 0 && !bench.takesNames)) {
    process.stderr.write(`${what && !bench ? `error: unknown benchmark "${what}"\n` : ''}${usage}\n`);
    return 2;
  }
  process.stdout.write(`\n${await bench.run(runs, parsed.values.report, names)}\n${new Date().toISOString()}\n`);
  return 0;
}

process.exit(await main());
