import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temp folder, and environment variables set for the duration of a mocha suite. */
export function useTempEnv(vars: (dir: string) => Record<string, string>): { dir: () => string } {
  let dir = '';
  const saved: Record<string, string | undefined> = {};
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'testbed-test-'));
    for (const [k, v] of Object.entries(vars(dir))) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  after(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await rm(dir, { recursive: true, force: true });
  });
  return { dir: () => dir };
}
