export { NodeAgent, bundleNodeAgent, type NodeAgentOptions } from './node-agent.ts';
export type { NodeAgentConfig } from './node-agent-config.ts';
export { DEMO_IMAGE, ImageCommands, ImageMapError, imageKeys, readImageMap } from './image-commands.ts';
export { podDirName } from './pod-worker.ts';
