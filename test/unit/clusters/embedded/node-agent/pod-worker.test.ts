import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { V1Pod } from '@kubernetes/client-node';
import { ImageCommands } from '../../../../../clusters/embedded/node-agent/image-commands.ts';
import type { NodeApi } from '../../../../../clusters/embedded/node-agent/node-api.ts';
import { PodIpPool } from '../../../../../clusters/embedded/node-agent/pod-ip-pool.ts';
import { PodWorker } from '../../../../../clusters/embedded/node-agent/pod-worker.ts';
import { findOwnedProcesses } from '../../../../../clusters/process/index.ts';

describe('pod worker', () => {
  it('starts no container for a pod deleted while the container was being set up, so no process outlives it on an address the pool reuses', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'testbed-pod-worker-'));
    const owner = `pod-worker-test-${process.pid}`;
    let servicesAsked!: () => void;
    const asked = new Promise<void>((r) => (servicesAsked = r));
    let answerServices!: () => void;
    const answered = new Promise<void>((r) => (answerServices = r));
    // Just the calls a pod with one plain container makes; `services` is held until the pod is deleted.
    const api = {
      services: async () => {
        servicesAsked();
        await answered;
        return [];
      },
      patchPodStatus: async () => {},
      deletePod: async () => {},
      recordEvent: async () => {},
    } as unknown as NodeApi;
    const pod: V1Pod = {
      metadata: { name: 'web-1', namespace: 'ns', uid: 'uid-1' },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'sleeper:1' }] },
    };
    const pool = new PodIpPool('127.181', 1);
    const worker = new PodWorker(pod, {
      api,
      images: new ImageCommands({ sleeper: { command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'] } }),
      ipPool: pool,
      podsDir: dir,
      hostIP: '127.0.0.1',
      podNetwork: '127.181',
      owner,
      syncPeriodMs: 60_000,
      log: () => {},
    });
    try {
      const started = worker.start();
      await asked;
      const terminated = worker.terminate();
      answerServices();
      await Promise.all([started, terminated]);
      expect(await findOwnedProcesses(owner), 'processes of the deleted pod').to.deep.equal([]);
      expect(worker.status().containerStatuses?.[0]?.state, 'the container never ran').to.not.have.property('running');
    } finally {
      for (const pid of await findOwnedProcesses(owner)) process.kill(pid, 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
