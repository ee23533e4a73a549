import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadScenarioFiles, loadTestbedConfig, scenarioFilesIn } from '../../../harness/scenario-files.ts';
import { STARTER_FILES } from '../../../harness/starter/starter-files.ts';
import { scenarios } from '../../../scenarios/index.ts';
import { runCli } from '../../helpers/cli.ts';
import { useTempEnv } from '../../helpers/temp-env.ts';

describe('testbed init [DIR]', function () {
  this.timeout(60_000);
  const temp = useTempEnv(() => ({}));

  it('writes the starter and the commands that run it; a second run changes nothing and says so', async () => {
    const dir = join(temp.dir(), 'project');
    const first = await runCli(['init', dir]);
    expect(first.exitCode, first.all).to.equal(0);
    for (const path of Object.keys(STARTER_FILES)) {
      expect(first.stdout).to.match(new RegExp(`^wrote +\\S*${path.replace(/\./g, '\\.')}$`, 'm'));
      expect(await readFile(join(dir, path), 'utf8')).to.equal(STARTER_FILES[path]);
    }
    expect(first.stdout).to.include('npx testbed cluster up --images images.yaml');
    expect(first.stdout).to.include('--set sabotage=wrong-probe');
    const second = await runCli(['init', dir]);
    expect(second.exitCode).to.equal(0);
    expect(second.stdout).to.include('nothing changed: the starter is already here');
    expect(second.stdout).to.not.match(/^wrote/m);
  });

  it("keeps a file of the user's that differs, and says so", async () => {
    const dir = join(temp.dir(), 'mine');
    await runCli(['init', dir]);
    await writeFile(join(dir, 'images.yaml'), 'images: {}\n');
    const again = await runCli(['init', dir]);
    expect(again.stdout).to.match(/^kept \(yours differs from the starter; not overwritten\) +\S*images\.yaml$/m);
    expect(await readFile(join(dir, 'images.yaml'), 'utf8')).to.equal('images: {}\n');
  });

  it('writes a scenario that type-checks against the public API, found through its testbed.config.ts', async () => {
    const dir = join(temp.dir(), 'checked');
    await runCli(['init', dir]);
    const config = await loadTestbedConfig(dir);
    expect(config?.config).to.deep.equal({ scenarios: 'scenarios' });
    const loaded = await loadScenarioFiles(await scenarioFilesIn(join(dir, 'scenarios')), scenarios);
    expect(loaded.map((s) => s.scenario.name)).to.deep.equal(['my-app-ready']);
  });

  it('refuses more than one DIR, and a DIR it cannot write, with exit 2', async () => {
    expect((await runCli(['init', 'a', 'b'])).exitCode).to.equal(2);
    const file = join(temp.dir(), 'a-file');
    await writeFile(file, '');
    const r = await runCli(['init', join(file, 'sub')]);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr.split('\n')[0]).to.match(/^error: cannot (read|write) .*a-file\/sub\/testbed\.config\.ts: ENOTDIR/);
  });
});
