import { readFile } from 'node:fs/promises';
import { ImageCommands } from './image-commands.ts';
import { NodeRuntime } from './node-runtime.ts';
import type { NodeAgentConfig } from './node-agent-config.ts';

const log = (message: string) => process.stdout.write(`${new Date().toISOString()} ${message}\n`);

const configFile = process.argv[2];
if (!configFile) {
  process.stderr.write('usage: node-agent CONFIG.json\n');
  process.exit(2);
}
const config = JSON.parse(await readFile(configFile, 'utf8')) as NodeAgentConfig;
const images = await ImageCommands.load(config.demoAppBundle, config.imagesFile);
const nodes = config.nodes.map(
  (node) =>
    new NodeRuntime({
      ...node,
      podNetwork: config.podNetwork,
      podsDir: config.podsDir,
      images,
      kubernetesVersion: config.kubernetesVersion,
      owner: config.owner,
      syncPeriodMs: config.syncPeriodMs,
      log: (message) => log(`[${node.name}] ${message}`),
    }),
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping pods`);
  await Promise.all(nodes.map((n) => n.stop(config.shutdownGraceMs)));
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await Promise.all(nodes.map((n) => n.start()));
log(`registered ${nodes.map((n) => n.options.name).join(', ')}`);
