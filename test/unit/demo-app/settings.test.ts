import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { configPath, loadConfig } from '../../../demo-app/settings.ts';
import { useTempEnv } from '../../helpers/temp-env.ts';

describe('demo app settings', () => {
  const env = useTempEnv(() => ({}));

  it('reads the config file under CONTAINER_ROOT, which wins over env', async () => {
    const root = env.dir();
    await mkdir(join(root, 'etc/demo-app'), { recursive: true });
    const vars = { CONTAINER_ROOT: root, VERSION: '1', ERROR_RATE: '0.5', LATENCY_MS: '20' };
    expect(configPath(vars)).to.equal(join(root, 'etc/demo-app/config.json'));
    expect((await loadConfig(vars)).settings).to.deep.equal({ version: '1', errorRate: 0.5, latencyMs: 20, ready: true });
    await writeFile(join(root, 'etc/demo-app/config.json'), '{"version":"2","errorRate":1,"ready":false}');
    const loaded = await loadConfig(vars);
    expect(loaded.settings).to.deep.equal({ version: '2', errorRate: 1, latencyMs: 20, ready: false });
    expect(loaded.raw).to.equal('{"version":"2","errorRate":1,"ready":false}');
  });

  it('rejects an error rate outside 0–1 with the bad value', async () => {
    const err = await loadConfig({ CONTAINER_ROOT: join(env.dir(), 'empty'), ERROR_RATE: '5' }).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.equal('errorRate must be between 0 and 1, got 5');
  });
});
