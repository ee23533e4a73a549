import type { CommandRunner } from './command-runner.ts';
import { overrideEnvVar, RELOADER_NAMESPACE, versions } from './components/index.ts';
import { ProviderError, type ControllerName, type Controllers } from './provider.ts';

/** The in-cluster Reloader both kubectl providers control: upstream's Deployment, in its own namespace. */
export const RELOADER_DEPLOYMENT = 'reloader-reloader';
/** The pod label of upstream's Deployment template, by which `stop` waits for its pods to go. */
const RELOADER_POD_SELECTOR = 'app=reloader-reloader';

export interface KubectlControllersOptions {
  /** The provider's name, for errors. */
  readonly provider: string;
  /** argv of a kubectl aimed at the cluster (`kubectl --context kind-tb …`). */
  readonly kubectl: (...args: string[]) => string[];
  readonly runner: CommandRunner;
}

/** What one `kubectl get` tells of the Deployment: enough to decide whether `run` has anything to do. */
interface ReloaderState {
  readonly args: readonly string[];
  readonly image: string;
  readonly replicas: number;
  readonly ready: number;
  readonly updated: number;
}

// One line per field, so an absent field (no args, no ready pods) reads as an empty line.
const STATE_JSONPATH = 'jsonpath={.spec.template.spec.containers[0].args}{"\\n"}{.spec.template.spec.containers[0].image}{"\\n"}{.spec.replicas}{"\\n"}{.status.readyReplicas}{"\\n"}{.status.updatedReplicas}';

function parseState(stdout: string): ReloaderState {
  const [args = '', image = '', replicas = '', ready = '', updated = ''] = stdout.split('\n').map((l) => l.trim());
  let parsed: unknown = [];
  try {
    if (args) parsed = JSON.parse(args);
  } catch {
    /* checked below */
  }
  if (!Array.isArray(parsed)) throw new ProviderError(`Reloader's Deployment has container args kubectl printed as ${args}, not the JSON list of strings expected`);
  return { args: parsed as string[], image, replicas: Number(replicas || 0), ready: Number(ready || 0), updated: Number(updated || 0) };
}

/** An image's tag (`ghcr.io/stakater/reloader:v1.4.22` → `v1.4.22`): on a cluster the harness found, not necessarily the pin. */
export const imageTag = (image: string): string | undefined => /:([^:/]+)$/.exec(image.split('@')[0]!)?.[1];

const sameFlags = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((f, i) => f === b[i]);

/**
 * {@link Controllers} for a Reloader Deployment at `reloader/reloader-reloader`, driven with
 * kubectl through the provider's runner: its flags are the container's args, stopping is scaling
 * to 0. Wave is never there: its module is not served by the Go module proxy here.
 */
export function kubectlControllers(o: KubectlControllersOptions): Controllers {
  const kubectl = (...args: string[]) => o.kubectl('-n', RELOADER_NAMESPACE, ...args);
  const run = async (argv: readonly string[], what: string): Promise<string> => {
    const res = await o.runner.run(argv);
    if (res.exitCode !== 0) throw new ProviderError(`${what}: \`${argv.join(' ')}\` exited ${res.exitCode}: ${(res.stderr || res.stdout).trim()}`);
    return res.stdout;
  };
  const onlyReloader = (name: ControllerName) => {
    if (name === 'reloader') return;
    if (name === 'flagger') throw new ProviderError(`the ${o.provider} provider does not stop and start Flagger: restarting a controller is a fault only the embedded provider injects`);
    throw new ProviderError(
      `the ${o.provider} provider does not install Wave ${versions.wave}: its module is not served by the Go module proxy here; Wave is supplied only by the embedded provider, from ${overrideEnvVar('wave')}`,
    );
  };
  const deployment = `${RELOADER_NAMESPACE}/${RELOADER_DEPLOYMENT}`;
  return {
    async run(name, flags) {
      onlyReloader(name);
      const state = parseState(await run(kubectl('get', 'deployment', RELOADER_DEPLOYMENT, '-o', STATE_JSONPATH), `read Reloader's Deployment ${deployment}`));
      const version = imageTag(state.image) ?? state.image;
      const same = sameFlags(state.args, flags);
      if (same && state.replicas === 1 && state.ready === 1 && state.updated === 1) return { version };
      if (!same) {
        const patch = JSON.stringify([{ op: 'add', path: '/spec/template/spec/containers/0/args', value: [...flags] }]);
        await run(kubectl('patch', 'deployment', RELOADER_DEPLOYMENT, '--type=json', '-p', patch), `set Reloader's flags to [${flags.join(' ')}]`);
      }
      await run(kubectl('scale', 'deployment', RELOADER_DEPLOYMENT, '--replicas=1'), `start Reloader (${deployment})`);
      await run(kubectl('rollout', 'status', `deployment/${RELOADER_DEPLOYMENT}`, '--timeout=120s'), `wait for Reloader (${deployment}) to be ready with flags [${flags.join(' ')}]`);
      return { version };
    },
    async stop(name) {
      onlyReloader(name);
      await run(kubectl('scale', 'deployment', RELOADER_DEPLOYMENT, '--replicas=0'), `stop Reloader (${deployment})`);
      await run(kubectl('wait', '--for=delete', 'pod', '-l', RELOADER_POD_SELECTOR, '--timeout=60s'), `wait for Reloader's pods (${deployment}) to be gone`);
    },
  };
}
