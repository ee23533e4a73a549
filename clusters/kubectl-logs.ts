import type { CommandRunner } from './command-runner.ts';
import { RELOADER_NAMESPACE } from './components/index.ts';
import { ProviderError, type LogSource } from './provider.ts';
import { RELOADER_DEPLOYMENT } from './reloader-control.ts';

/** Where both kubectl providers run each controller: Flagger as upstream's Istio overlay installs it, Reloader as its manifests do. */
const CONTROLLER_DEPLOYMENTS: Readonly<Record<string, { readonly namespace: string; readonly name: string }>> = {
  flagger: { namespace: 'istio-system', name: 'flagger' },
  reloader: { namespace: RELOADER_NAMESPACE, name: RELOADER_DEPLOYMENT },
};

export interface KubectlLogsOptions {
  /** The provider's name, for errors. */
  readonly provider: string;
  /** argv of a kubectl aimed at the cluster (`kubectl --context kind-tb …`). */
  readonly kubectl: (...args: string[]) => string[];
  readonly runner: CommandRunner;
}

/** {@link LogSource} for an in-cluster controller or pod: `kubectl logs --tail=N` through the provider's runner. */
export function kubectlLogs(o: KubectlLogsOptions): LogSource {
  return {
    async tail(target, lines) {
      let where: string[];
      if ('component' in target) {
        const deployment = CONTROLLER_DEPLOYMENTS[target.component];
        if (!deployment) throw new ProviderError(`the ${o.provider} provider runs no ${target.component}; it runs ${Object.keys(CONTROLLER_DEPLOYMENTS).join(' and ')}`);
        where = ['-n', deployment.namespace, `deployment/${deployment.name}`];
      } else {
        where = ['-n', target.namespace, target.pod, ...(target.container ? ['-c', target.container] : [])];
      }
      const argv = o.kubectl('logs', `--tail=${lines}`, ...where);
      const res = await o.runner.run(argv);
      if (res.exitCode !== 0) throw new ProviderError(`\`${argv.join(' ')}\` exited ${res.exitCode}: ${(res.stderr || res.stdout).trim()}`);
      return { lines: res.stdout ? res.stdout.replace(/\n$/, '').split('\n') : [], source: argv.join(' ') };
    },
  };
}
