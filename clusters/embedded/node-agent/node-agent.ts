import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ComponentProcess } from '../../process/index.ts';
import { bundleForNode } from '../node-bundle.ts';
import type { NodeAgentConfig } from './node-agent-config.ts';

export interface NodeAgentOptions {
  readonly config: NodeAgentConfig;
  readonly configFile: string;
  /** The agent bundled for plain `node`, from {@link bundleNodeAgent}. */
  readonly bundleFile: string;
  readonly logFile: string;
}

const entry = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/** Bundles the node agent and the demo app (which the agent runs for the demo image). */
export async function bundleNodeAgent(): Promise<{ bundleFile: string; demoAppBundle: string }> {
  const [bundleFile, demoAppBundle] = await Promise.all([bundleForNode(entry('./main.ts'), 'node-agent'), bundleForNode(entry('../../../demo-app/server.ts'), 'demo-app')]);
  return { bundleFile, demoAppBundle };
}

/** Launches the node agent (our kubelet stand-in) as its own process. */
export class NodeAgent extends ComponentProcess {
  constructor(readonly options: NodeAgentOptions) {
    super({
      name: 'node-agent',
      command: process.execPath,
      args: [options.bundleFile, options.configFile],
      logFile: options.logFile,
      owner: options.config.owner,
      stopGraceMs: options.config.shutdownGraceMs + 5000,
    });
  }

  /** Starts the agent; `nodesReady` says when every node is registered and Ready. */
  async start(nodesReady: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    await writeFile(this.options.configFile, JSON.stringify(this.options.config, null, 2));
    await this.startHealthy(nodesReady, timeoutMs, 'registered with every node Ready');
  }
}
