import { open } from 'node:fs/promises';
import type { LogSource } from '../provider.ts';
import { ClusterPaths } from './cluster-state.ts';
import { findPodLog } from './pod-log.ts';

/** Component logs are appended to for the cluster's whole life, so only their end is read. */
const TAIL_BYTES = 256 * 1024;

async function lastLines(file: string, count: number): Promise<string[]> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    // A read that starts mid-file starts mid-line.
    if (length < size) lines.shift();
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-count);
  } finally {
    await handle.close();
  }
}

/** The embedded cluster's logs: each component's file in its state dir, each container's file the node agent writes. */
export function embeddedLogs(cluster: string): LogSource {
  const paths = new ClusterPaths(cluster);
  return {
    async tail(target, lines) {
      const file = 'component' in target ? paths.log(target.component) : await findPodLog(cluster, target);
      return { lines: await lastLines(file, lines), source: file };
    },
  };
}
