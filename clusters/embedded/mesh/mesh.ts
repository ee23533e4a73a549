import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ComponentProcess } from '../../process/index.ts';
import { bundleForNode } from '../node-bundle.ts';
import type { MeshConfig } from './mesh-config.ts';

export interface MeshOptions {
  readonly config: MeshConfig;
  readonly configFile: string;
  /** The mesh bundled for plain `node`, from {@link bundleMesh}. */
  readonly bundleFile: string;
  readonly logFile: string;
  readonly owner: string;
}

export const bundleMesh = () => bundleForNode(fileURLToPath(new URL('./main.ts', import.meta.url)), 'mesh');

/** Launches our Envoy stand-in (the ingress gateway and Istio metrics) as its own process. */
export class Mesh extends ComponentProcess {
  constructor(readonly options: MeshOptions) {
    super({ name: 'mesh', command: process.execPath, args: [options.bundleFile, options.configFile], logFile: options.logFile, owner: options.owner });
  }

  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.options.config.gatewayPort}`;
  }

  async start(timeoutMs = 30_000): Promise<void> {
    await writeFile(this.options.configFile, JSON.stringify(this.options.config, null, 2));
    const health = `http://127.0.0.1:${this.options.config.metricsPort}/healthz`;
    await this.startHealthy(async () => (await fetch(health, { signal: AbortSignal.timeout(1000) })).ok, timeoutMs, 'serving on /healthz');
  }
}
