import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { LOCAL_TOOLS, provisionBinaries, type ComponentVersions } from '../clusters/components/index.ts';
import { describeSource, embeddedProvider } from '../clusters/embedded/index.ts';
import { kubeconfigProvider } from '../clusters/kubeconfig/index.ts';
import { kindProvider } from '../clusters/kind/index.ts';
import { execaRunner } from '../clusters/command-runner.ts';
import { FAULTS_CAPABILITY, type Provider } from '../clusters/provider.ts';
import { upInterruptibly } from './cluster-command.ts';
import { FileReporter, LiveReportServer, RunReportBuilder, TerminalProgress, TerminalReporter, renderHtml, renderJson, renderJunit, scenarioAnchor } from '../reports/index.ts';
import { defaultSuite, scenarios } from '../scenarios/index.ts';
import { KubeClient } from '../clusters/kube/index.ts';
import { coverage, describeProof, proofTable } from '../harness/check-proofs.ts';
import { fanOut } from '../harness/reporter-fanout.ts';
import { planAttempts, type AttemptPlan } from '../harness/attempt-plan.ts';
import { parseMatrix, withCombination, type Matrix } from '../harness/matrix.ts';
import { MAX_WORKERS, WORKER_LIMIT, runScenarios } from '../harness/runner.ts';
import type { Scenario } from '../harness/scenario.ts';
import { PACKAGE_NAME, ScenarioFileError, loadScenarioFiles, loadTestbedConfig, scenarioFilesIn } from '../harness/scenario-files.ts';
import { CONFIG_FILE } from '../harness/testbed-config.ts';
import { FAULT_TUNABLE, defaultShown, parseSettings } from '../harness/tunables.ts';
import { TunableError } from '../harness/tunable-error.ts';
import { onInterrupt } from './interrupts.ts';
import { pausePrompt } from './pause-prompt.ts';
import { componentVersions } from './component-versions.ts';
import { UsageError, parseCommandArgs } from './usage-error.ts';

export const scenarioUsage = `usage: testbed scenario [NAME...|all] [options]
  with no NAME, runs the default suite (${defaultSuite.join(', ')}) on the embedded cluster, starting it if needed;
  with --scenarios (or a ${CONFIG_FILE} naming them), the scenarios of those files
  --list             list scenarios with their summaries and tunables
  --scenarios DIR    load the *.scenario.ts files of DIR (import { defineScenario, … } from '${PACKAGE_NAME}')
  --set KEY=VALUE    set a tunable (repeatable); applies to the scenarios that declare KEY
  --repeat N         run each scenario N times and report the pass rate
  --matrix K=V1,V2   run one attempt per value (repeatable: one per combination of all keys), side by side,
                     e.g. bad-canary --matrix errorRate=0.01,0.05,0.5 (a gate sensitivity sweep)
  --workers N        attempts that run at once, each in its own namespace (default: as many as the run has,
                     up to ${WORKER_LIMIT}); attempts that restart what another holds wait for it. 1 runs one at a time
  --report-dir DIR   where report.json, junit.xml and report.html go (default ./out)
  --serve            serve the live report on 127.0.0.1 at a printed URL while the scenarios run
  --pause            wait for Enter before each when-step, printing the kubectl commands that show it (one worker)
  --keep             keep scenario namespaces, and a cluster this run started
  --provider NAME    embedded (default), kind (needs Docker, kind, kubectl, istioctl), or kubeconfig (an existing cluster)
  --name CLUSTER     embedded and kind: cluster name (default "default")
  --reuse            kind: run on the cluster a previous run kept (reset by deleting its scenario namespaces), and keep it
  --kubeconfig FILE  kubeconfig: the file (default $KUBECONFIG, else ~/.kube/config)
  --context NAME     kubeconfig: the context (default the file's current one)
  --prometheus-url U kubeconfig: Prometheus on loopback (kubectl port-forward)
  --gateway-url U    kubeconfig: the Istio ingress gateway on loopback (kubectl port-forward)
  --install-addons   kubeconfig: install the pinned Flagger (Istio overlay) and Reloader where the cluster has none; they stay
  --images FILE      embedded: the image map (image: {command, args}) the node agent runs your images by; on kind
                     and kubeconfig the images are the real ones
  --component N=V    embedded: run kubernetes, prometheus, flagger or reloader at version V instead of the pin
                     (repeatable), built into the cache like the pins; kubernetes=V starts a cluster at V
  --verbose          show the commands being run`;

/** The built-in scenarios and a user's, and what runs when no name is given. */
interface Catalog {
  readonly scenarios: readonly Scenario[];
  readonly suite: readonly string[];
  readonly files: ReadonlyMap<string, string>;
}

/** Users' scenario files from --scenarios, else from the project's testbed.config.ts; their errors are usage errors (exit 2). */
async function loadCatalog(dir: string | undefined): Promise<Catalog> {
  try {
    const project = dir === undefined ? await loadTestbedConfig(process.cwd()) : undefined;
    const folder = dir ?? (project?.config.scenarios === undefined ? undefined : resolve(dirname(project.file), project.config.scenarios));
    if (folder === undefined) return { scenarios, suite: defaultSuite, files: new Map() };
    const users = await loadScenarioFiles(await scenarioFilesIn(folder), scenarios);
    return { scenarios: [...scenarios, ...users.map((u) => u.scenario)], suite: users.map((u) => u.scenario.name), files: new Map(users.map((u) => [u.scenario.name, u.file])) };
  } catch (err) {
    if (err instanceof ScenarioFileError) throw new UsageError(err.message);
    throw err;
  }
}

/** Each declared check with the sabotages that prove it can fail, or why none can; variants with the same proof on one line. */
function listedProofs(scenario: Scenario): string[] {
  const rows = proofTable(scenario);
  if (!rows.length) return [];
  const { covered, total } = coverage(rows);
  const lines = [`      checks (${covered} of ${total} seen to fail under a sabotage, or excused):`];
  for (const check of new Set(rows.map((r) => r.check))) {
    const byProof = new Map<string, string[]>();
    for (const r of rows.filter((row) => row.check === check)) byProof.set(describeProof(r.proof), [...(byProof.get(describeProof(r.proof)) ?? []), ...(r.variant ? [r.variant] : [])]);
    lines.push(`        ${check}`, ...[...byProof].map(([proof, variants]) => `          ${variants.length ? `${variants.join(', ')}: ` : ''}${proof}`));
  }
  return lines;
}

function listScenarios(catalog: Catalog): string {
  return catalog.scenarios
    .map((s) => {
      const tunables = Object.entries(s.tunables).map(([k, spec]) => `      ${k}=${defaultShown(spec)}  ${spec.description}${spec.type === 'enum' ? ` (${spec.values.join('|')})` : ''}`);
      const file = catalog.files.get(s.name);
      return [`  ${s.name.padEnd(20)} ${s.summary}${file ? ` (${relative(process.cwd(), file)})` : ''}`, ...tunables, ...listedProofs(s)].join('\n');
    })
    .join('\n');
}

function selectScenarios(catalog: Catalog, names: readonly string[]): Scenario[] {
  const wanted = names.length === 0 ? catalog.suite : names.includes('all') ? catalog.scenarios.map((s) => s.name) : names;
  return wanted.map((name) => {
    const found = catalog.scenarios.find((s) => s.name === name);
    if (!found) throw new UsageError(`unknown scenario "${name}"; scenarios:\n${listScenarios(catalog)}`);
    return found;
  });
}

/** The provider the command line names; scenarios cannot tell them apart. */
function providerFrom(values: { provider: string; name: string; images?: string | undefined; reuse: boolean; verbose: boolean; kubeconfig?: string | undefined; context?: string | undefined; 'prometheus-url'?: string | undefined; 'gateway-url'?: string | undefined; 'install-addons': boolean }, components: ComponentVersions): Provider {
  if (values.images !== undefined && values.provider !== 'embedded') throw new UsageError(`--images applies to --provider embedded; on ${values.provider} the cluster pulls and runs the real images`);
  if (values.reuse && values.provider !== 'kind') throw new UsageError('--reuse applies to --provider kind');
  if (values['install-addons'] && values.provider !== 'kubeconfig') throw new UsageError('--install-addons applies to --provider kubeconfig');
  switch (values.provider) {
    case 'embedded':
      return embeddedProvider({ name: values.name, up: upInterruptibly, components, ...(values.images === undefined ? {} : { imagesFile: values.images }) });
    case 'kind':
      return kindProvider({ name: values.name, reuse: values.reuse, runner: execaRunner(new TerminalProgress(process.stderr, values.verbose)) });
    case 'kubeconfig': {
      const prometheusUrl = values['prometheus-url'];
      const gatewayUrl = values['gateway-url'];
      if (!prometheusUrl || !gatewayUrl) throw new UsageError('--provider kubeconfig needs --prometheus-url and --gateway-url (on loopback, e.g. through kubectl port-forward)');
      const kubeconfig = values.kubeconfig ?? process.env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.kube', 'config');
      const runner = execaRunner(new TerminalProgress(process.stderr, values.verbose));
      return kubeconfigProvider({ kubeconfig, ...(values.context ? { context: values.context } : {}), prometheusUrl, gatewayUrl, installAddons: values['install-addons'], runner });
    }
    default:
      throw new UsageError(`unknown provider "${values.provider}"; available: embedded, kind, kubeconfig`);
  }
}

/** Creates the report dir and proves it takes a file, before any cluster work that would report into it. */
async function writableDir(dir: string): Promise<void> {
  const probe = join(dir, `.write-test-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe);
  } catch (err) {
    throw new UsageError(`--report-dir ${dir} is not writable: ${(err as Error).message}`);
  }
}

/** A fault each selected scenario can take, on a provider that injects faults; one line otherwise. */
function checkFault(catalog: Catalog, selected: readonly Scenario[], fault: string | undefined, provider: Provider): void {
  if (fault === undefined || fault === 'none') return;
  const withFaults = catalog.scenarios.filter((s) => FAULT_TUNABLE in s.tunables);
  const takers = withFaults.map((s) => `${s.name} (${(s.tunables[FAULT_TUNABLE] as { values: readonly string[] }).values.filter((f) => f !== 'none').join(', ')})`);
  for (const s of selected) {
    const spec = s.tunables[FAULT_TUNABLE];
    if (!spec) throw new UsageError(`scenario ${s.name} cannot take fault=${fault}: it takes no faults; faults are for ${takers.join('; ')}`);
    if (spec.type === 'enum' && !spec.values.includes(fault)) {
      const own = spec.values.filter((f) => f !== 'none');
      const elsewhere = withFaults.filter((w) => (w.tunables[FAULT_TUNABLE] as { values: readonly string[] }).values.includes(fault)).map((w) => w.name);
      throw new UsageError(
        `scenario ${s.name} cannot take fault=${fault}: it takes ${own.join(', ')}${elsewhere.length ? `; ${fault} is for ${elsewhere.join(', ')}` : `; no scenario knows a fault "${fault}"`}`,
      );
    }
  }
  if (!provider.capabilities.includes(FAULTS_CAPABILITY)) throw new UsageError(`fault=${fault}: the ${provider.name} provider cannot inject faults; faults run on the embedded provider`);
}

/**
 * Test-only: the scheduler starts attempts as if they held nothing, so two that restart the same
 * controller run at once and the guard must end the run, naming both.
 */
export const IGNORE_HOLDS_ENV = 'TESTBED_TEST_IGNORE_HOLDS';

/** --workers, else as many as the run has attempts, up to the limit; --pause runs one at a time, and says so. */
function workersFor(raw: string | undefined, attempts: number, pause: boolean): number {
  if (raw !== undefined) {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS) throw new UsageError(`--workers must be a whole number from 1 to ${MAX_WORKERS}, got "${raw}"`);
    if (pause && n > 1) throw new UsageError(`--pause waits for Enter before each when-step, one attempt at a time: it takes no --workers ${n}`);
    return n;
  }
  if (pause) {
    if (attempts > 1) process.stderr.write('--pause: the attempts run one at a time (--workers 1), so each when-step waits for you alone\n');
    return 1;
  }
  return Math.max(1, Math.min(attempts, WORKER_LIMIT));
}

export async function scenarioCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      list: { type: 'boolean', default: false },
      scenarios: { type: 'string' },
      set: { type: 'string', multiple: true, default: [] },
      repeat: { type: 'string', default: '1' },
      matrix: { type: 'string', multiple: true, default: [] },
      workers: { type: 'string' },
      'report-dir': { type: 'string', default: 'out' },
      keep: { type: 'boolean', default: false },
      provider: { type: 'string', default: 'embedded' },
      name: { type: 'string', default: 'default' },
      reuse: { type: 'boolean', default: false },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'prometheus-url': { type: 'string' },
      'gateway-url': { type: 'string' },
      'install-addons': { type: 'boolean', default: false },
      images: { type: 'string' },
      component: { type: 'string', multiple: true, default: [] },
      serve: { type: 'boolean', default: false },
      pause: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
  const { values, positionals } = parsed;
  const catalog = await loadCatalog(values.scenarios);
  if (values.list) {
    process.stdout.write(`scenarios:\n${listScenarios(catalog)}\n`);
    return 0;
  }
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100) throw new UsageError(`--repeat must be a whole number from 1 to 100, got "${values.repeat}"`);
  const selected = selectScenarios(catalog, positionals);
  const progress = new TerminalProgress(process.stderr, values.verbose);
  const components = await componentVersions(values.component, { provider: values.provider, addons: selected.flatMap((s) => s.needs.addons) }, progress);
  const provider = providerFrom(values, components);
  let settings: Record<string, string>;
  let matrix: Matrix;
  let attempts: AttemptPlan[];
  try {
    settings = parseSettings(values.set);
    matrix = parseMatrix(values.matrix);
    for (const fault of [settings[FAULT_TUNABLE], ...(matrix[FAULT_TUNABLE] ?? [])]) checkFault(catalog, selected, fault, provider);
    for (const key of Object.keys(settings)) {
      if (!selected.some((s) => key in s.tunables)) {
        throw new TunableError(`no selected scenario has a tunable "${key}"; tunables:\n${listScenarios(catalog)}`);
      }
    }
    attempts = planAttempts({ scenarios: selected, settings, matrix, repeat });
  } catch (err) {
    if (err instanceof TunableError) throw new UsageError(err.message);
    throw err;
  }
  const workers = workersFor(values.workers, attempts.length, values.pause);

  const needs = new Set(selected.flatMap((s) => [...s.needs.components, ...s.needs.addons]));
  // The commands --pause prints run the pinned kubectl.
  if (values.pause) needs.add('kubectl');
  const lacking = [...needs].filter((n) => !LOCAL_TOOLS.includes(n) && !provider.capabilities.includes(n));
  if (lacking.length) throw new UsageError(`provider ${provider.name} cannot supply ${lacking.join(', ')}, which the selected scenarios need`);
  const reportDir = resolve(values['report-dir']);
  await writableDir(reportDir);
  const session = await provider.open(needs, progress);
  const namespaces: string[] = [];
  const unregister = onInterrupt(async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(session.connection.kubeconfig);
    const kube = await KubeClient.fromKubeConfig(kc);
    if (!values.keep) for (const ns of namespaces) await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch(() => {});
    kube.close();
    await session.close({ keep: values.keep });
  });
  const builder = new RunReportBuilder();
  const live = values.serve ? new LiveReportServer(builder) : undefined;
  const reporters = fanOut(
    [
      builder,
      new TerminalReporter(builder, progress, values.verbose),
      new FileReporter(builder, join(reportDir, 'report.json'), renderJson),
      new FileReporter(builder, join(reportDir, 'junit.xml'), renderJunit),
      new FileReporter(builder, join(reportDir, 'report.html'), (report) => renderHtml({ report })),
      ...(live ? [live] : []),
    ],
    (message) => process.stderr.write(`warning: ${message}\n`),
  );
  let prompt: ReturnType<typeof pausePrompt> | undefined;
  try {
    const tools = await provisionBinaries(LOCAL_TOOLS.filter((t) => needs.has(t)), { progress });
    const vegeta = tools.vegeta;
    if (live) process.stderr.write(`live report: ${await live.start()}\n`);
    if (values.pause) prompt = pausePrompt(tools.kubectl!.path, session.connection.kubeconfig, process.stdin, process.stderr);
    const verdicts = await runScenarios({
      attempts,
      workers,
      ...(process.env[IGNORE_HOLDS_ENV] === '1' ? { ignoreHolds: true } : {}),
      ...(Object.keys(matrix).length ? { matrix } : {}),
      repeat,
      keep: values.keep,
      cluster: { ...session.connection, versions: { ...session.connection.versions, ...Object.fromEntries(Object.values(tools).map((t) => [t.binary, describeSource(t)])) } },
      controllers: session.controllers,
      ...(session.faults ? { faults: session.faults } : {}),
      logs: session.logs,
      ...(prompt ? { pause: prompt.pause } : {}),
      ...(vegeta ? { load: { vegeta: vegeta.path, resultsDir: join(reportDir, 'load') } } : {}),
      emit: (event) => {
        if (event.type === 'attempt-begin') namespaces.push(event.namespace);
        reporters.emit(event);
      },
    });
    await reporters.finish();
    process.stderr.write(`reports: ${reportDir}/report.json, ${reportDir}/junit.xml\n`);
    const failed = builder.report?.scenarios.find((s) => s.verdict !== 'pass');
    process.stderr.write(`timeline: file://${reportDir}/report.html${failed ? `#${scenarioAnchor(withCombination(failed.scenario, failed.combination))}` : ''}\n`);
    return verdicts.includes('error') ? 2 : verdicts.includes('fail') ? 1 : 0;
  } finally {
    prompt?.close();
    await live?.stop();
    unregister();
    await session.close({ keep: values.keep });
  }
}
