import {
  ClusterAlreadyRunningError,
  clusterHealth,
  downCluster,
  upCluster,
  type ClusterInfo,
  type UpOptions,
} from '../clusters/embedded/index.ts';
import { execaRunner } from '../clusters/command-runner.ts';
import { deleteKindCluster, upKindCluster } from '../clusters/kind/index.ts';
import { isOverridable } from '../clusters/components/index.ts';
import { componentVersions, isClusterComponent } from './component-versions.ts';
import { onInterrupt } from './interrupts.ts';
import { TerminalProgress } from '../reports/index.ts';
import { UsageError, parseBinaryOverrides, parseCommandArgs } from './usage-error.ts';

export const clusterUsage = `usage: testbed cluster <up|down|status> [options]
  up       start the embedded cluster and return once it is ready
             --nodes N        Node objects to register (default 1)
             --images FILE    YAML/JSON map of images to local commands
             --bin NAME=PATH  use this binary (repeatable), e.g. --bin etcd=/usr/local/bin/etcd
             --component N=V  start kubernetes or prometheus at version V instead of the pin (repeatable)
  down     stop everything the cluster started and remove its state
  status   report the cluster's state
  common:  --name NAME (default "default"), --verbose
  --provider kind [--dry-run]   up: a kind cluster with Istio, its Prometheus addon and Flagger
                                (--dry-run prints the files and commands instead); down: deletes it`;

const out = (line: string) => process.stdout.write(`${line}\n`);

function printConnection(info: ClusterInfo): void {
  out(`cluster "${info.name}" is ready: API server ${info.apiServerUrl}, nodes ${info.nodes.join(', ')}, pod addresses ${info.podNetwork}.x.y`);
  out(`prometheus: ${info.prometheusUrl}`);
  out(`ingress gateway: ${info.gatewayUrl}`);
  out(`kubeconfig: ${info.kubeconfig}`);
  out(`export KUBECONFIG=${info.kubeconfig}`);
}

/**
 * `upCluster`, except that Ctrl-C or SIGTERM meanwhile starts nothing more, stops everything
 * already started and removes the cluster's state before the process exits.
 */
export async function upInterruptibly(options: UpOptions & { readonly name: string }): Promise<ClusterInfo> {
  const abort = new AbortController();
  const unregister = onInterrupt(async () => {
    abort.abort();
    const { stopped } = await downCluster(options.name);
    process.stderr.write(`stopped ${stopped} processes of cluster "${options.name}" and removed its state\n`);
  });
  try {
    return await upCluster({ ...options, signal: abort.signal });
  } finally {
    unregister();
  }
}

export async function clusterCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const parsed = parseCommandArgs({
    args: rest,
    strict: true,
    allowPositionals: false,
    options: {
      name: { type: 'string', default: 'default' },
      nodes: { type: 'string', default: '1' },
      images: { type: 'string' },
      bin: { type: 'string', multiple: true },
      component: { type: 'string', multiple: true, default: [] },
      provider: { type: 'string', default: 'embedded' },
      'dry-run': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
  const { name, nodes, images, bin, verbose, provider } = parsed.values;
  if (provider === 'kind') return kindCommand(action, name, parsed.values['dry-run'], new TerminalProgress(process.stderr, verbose));
  if (provider !== 'embedded') throw new UsageError(`unknown provider "${provider}" for cluster; available: embedded, kind`);
  if (parsed.values['dry-run']) throw new UsageError('--dry-run applies to --provider kind');
  switch (action) {
    case 'up': {
      const nodeCount = Number(nodes);
      if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > 50) throw new UsageError(`--nodes must be a whole number from 1 to 50, got "${nodes}"`);
      const started = Date.now();
      const progress = new TerminalProgress(process.stderr, verbose);
      const addon = parsed.values.component.find((v) => { const n = v.split('=')[0]!; return isOverridable(n) && !isClusterComponent(n); });
      if (addon) throw new UsageError(`--component ${addon}: cluster up starts Kubernetes and Prometheus; a scenario that needs an add-on starts it, at the version its own --component names`);
      const components = await componentVersions(parsed.values.component, { provider, addons: [] }, progress);
      try {
        const info = await upInterruptibly({
          name,
          nodes: nodeCount,
          ...(images ? { imagesFile: images } : {}),
          binaryOverrides: parseBinaryOverrides(bin),
          components,
          progress,
        });
        process.stderr.write(`cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        printConnection(info);
        return 0;
      } catch (err) {
        if (err instanceof ClusterAlreadyRunningError) {
          out(err.message);
          printConnection(err.info);
          return 0;
        }
        throw err;
      }
    }
    case 'down': {
      const { existed, stopped } = await downCluster(name);
      out(existed ? `cluster "${name}" is down (${stopped} processes stopped, state removed)` : `no cluster named "${name}"`);
      return 0;
    }
    case 'status': {
      const health = await clusterHealth(name);
      if (health.state === 'absent') {
        out(`cluster "${name}": not running`);
        return 0;
      }
      if (health.state === 'broken') {
        out(`cluster "${name}": broken`);
        for (const p of health.problems) out(`  - ${p}`);
        out('run `npm run cluster -- down` to clean up, then `up` again');
        return 2;
      }
      const { info, nodes: nodeList } = health;
      out(`cluster "${name}": running since ${info.startedAt}`);
      out(`  API server  ${info.apiServerUrl}`);
      out(`  Prometheus  ${info.prometheusUrl}`);
      out(`  gateway     ${info.gatewayUrl}`);
      out(`  kubeconfig  ${info.kubeconfig}`);
      out(`  nodes       ${nodeList.map((n) => `${n.name} ${n.ready ? 'Ready' : 'NotReady'}`).join(', ')}`);
      for (const [component, pid] of Object.entries(info.processes)) out(`  ${component.padEnd(24)} pid ${pid}  port ${info.ports[component] ?? '-'}`);
      for (const [binary, version] of Object.entries(info.versions)) out(`  ${binary.padEnd(24)} ${version}`);
      return 0;
    }
    default:
      throw new UsageError(action ? `unknown cluster action "${action}"` : 'missing cluster action');
  }
}

async function kindCommand(action: string | undefined, name: string, dryRun: boolean, progress: TerminalProgress): Promise<number> {
  const runner = execaRunner(progress);
  switch (action) {
    case 'up':
      out(await upKindCluster(name, { dryRun, runner, progress }));
      return 0;
    case 'down':
      await deleteKindCluster(name, runner);
      out(`kind cluster "${name}" deleted`);
      return 0;
    default:
      throw new UsageError(`cluster ${action ?? '(no action)'} is not available for --provider kind; use up or down`);
  }
}
