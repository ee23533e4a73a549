import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { LocalProcess } from '../../process/index.ts';
import { bundleForNode } from '../node-bundle.ts';
import type { NodeAgentConfig } from './node-agent-config.ts';

export interface NodeAgentOptions {
  readonly config: NodeAgentConfig;
  readonly configFile: string;
  /** Where the agent's own bundle is written. */
  readonly bundleFile: string;
  readonly logFile: string;
}

const entry = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/** Bundles the node agent and the demo app (which the agent runs for the demo image). */
export async function bundleNodeAgent(files: { readonly bundleFile: string; readonly demoAppBundle: string }): Promise<void> {
  await Promise.all([bundleForNode(entry('./main.ts'), files.bundleFile), bundleForNode(entry('../../../demo-app/server.ts'), files.demoAppBundle)]);
}

/** Launches the node agent (our kubelet stand-in) as its own process. */
export class NodeAgent {
  readonly process: LocalProcess;

  constructor(readonly options: NodeAgentOptions) {
    this.process = new LocalProcess({
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
    await this.process.start();
    await this.process.waitHealthy(nodesReady, timeoutMs, 'registered with every node Ready');
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
