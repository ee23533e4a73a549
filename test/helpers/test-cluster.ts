import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ClusterInfo } from '../../clusters/embedded/index.ts';
import type { RunReport } from '../../reports/index.ts';
import { runCli } from './cli.ts';
import { testStateDir } from './test-state.ts';

/** A cluster an integration suite runs the CLI against, as a user would. */
export interface TestCluster {
  readonly name: string;
  /** Its `TESTBED_STATE_DIR`. */
  readonly stateDir: string;
  /** The environment every CLI call against it needs. */
  env(): Record<string, string>;
  /** `testbed scenario ARGS` on this cluster, into a report dir of its own; the report it wrote, and how long it took. */
  scenario(args: readonly string[], env?: Record<string, string>): Promise<ScenarioRun>;
  /** The cluster's record: its URLs, ports, processes and versions. */
  info(): Promise<ClusterInfo>;
}

export interface ScenarioRun {
  readonly result: Awaited<ReturnType<typeof runCli>>;
  readonly report: RunReport;
  readonly reportDir: string;
  readonly seconds: number;
}

function testCluster(name: string, stateDir: string): TestCluster {
  const env = () => ({ TESTBED_STATE_DIR: stateDir });
  return {
    name,
    stateDir,
    env,
    async scenario(args, extra = {}) {
      const reportDir = join(stateDir, `report-${Math.random().toString(36).slice(2)}`);
      const started = Date.now();
      const result = await runCli(['scenario', ...args, '--name', name, '--report-dir', reportDir], { ...env(), ...extra });
      const report = JSON.parse(await readFile(join(reportDir, 'report.json'), 'utf8').catch(() => `{"problem": ${JSON.stringify(result.all)}}`)) as RunReport;
      return { result, report, reportDir, seconds: (Date.now() - started) / 1000 };
    },
    info: async () => JSON.parse(await readFile(join(stateDir, 'clusters', name, 'cluster.json'), 'utf8')) as ClusterInfo,
  };
}

async function up(label: string, upArgs: readonly string[]): Promise<TestCluster> {
  const cluster = testCluster(`${label}-${process.pid}`, await testStateDir(label));
  const started = await runCli(['cluster', 'up', '--name', cluster.name, ...upArgs], cluster.env());
  expect(started.exitCode, started.all).to.equal(0);
  return cluster;
}

let shared: Promise<TestCluster> | undefined;

/**
 * The one embedded cluster of this test run that suites share: scenarios run in namespaces of
 * their own, so suites that need no cluster of their own set-up share it. The first suite that
 * asks starts it; the global teardown stops it.
 */
export function sharedCluster(): TestCluster {
  const handle = { current: undefined as TestCluster | undefined };
  before(async function () {
    this.timeout(300_000);
    handle.current = await (shared ??= up('shared', []));
  });
  return forward(handle);
}

/** Stops the shared cluster, if a suite started it. */
export async function stopSharedCluster(): Promise<void> {
  const cluster = await shared?.catch(() => undefined);
  if (cluster) await runCli(['cluster', 'down', '--name', cluster.name], cluster.env());
  shared = undefined;
}

/** A cluster of the suite's own, for a set-up no other suite shares (`--nodes 2 --images …`): up before its tests, down after. */
export function ownCluster(label: string, upArgs: () => readonly string[] = () => []): TestCluster {
  const handle = { current: undefined as TestCluster | undefined };
  before(async function () {
    this.timeout(300_000);
    handle.current = await up(label, upArgs());
  });
  after(async function () {
    this.timeout(120_000);
    if (handle.current) await runCli(['cluster', 'down', '--name', handle.current.name], handle.current.env());
  });
  return forward(handle);
}

/** The cluster a `before` hook will have started, usable by the suite's tests as if it were there already. */
function forward(handle: { current: TestCluster | undefined }): TestCluster {
  const current = () => {
    if (!handle.current) throw new Error('the test cluster is not up: its before hook has not run, or failed');
    return handle.current;
  };
  return {
    get name() {
      return current().name;
    },
    get stateDir() {
      return current().stateDir;
    },
    env: () => current().env(),
    scenario: (args, env) => current().scenario(args, env),
    info: () => current().info(),
  };
}
