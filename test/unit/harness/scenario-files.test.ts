import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ScenarioFileError, loadScenarioFiles, loadTestbedConfig, scenarioFilesIn } from '../../../harness/scenario-files.ts';
import { scenarios } from '../../../scenarios/index.ts';
import { runCli } from '../../helpers/cli.ts';

/** A scenario file as a user writes one, outside the repo, with no package.json and no node_modules. */
const userScenario = (name: string, body = "t.check('(a) one is one', { expected: 1, observed: 1, reason: 'arithmetic' });") => `import { defineScenario } from 'delivery-testbed';

export default defineScenario({
  name: '${name}',
  summary: 'a user scenario',
  needs: { components: [], addons: [] },
  tunables: { size: { type: 'number', default: 1, min: 0, max: 9, description: 'how many' } },
  async run(t) {
    ${body}
  },
});
`;

describe("users' scenario files (--scenarios DIR, testbed.config.ts)", function () {
  // Each load type-checks the file against the public API.
  this.timeout(60_000);
  let dir: string;
  let n = 0;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tb-user-scenarios-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  /** A fresh folder per case: Node caches a module by its URL. */
  const folderWith = async (files: Record<string, string>) => {
    const folder = join(dir, `case-${n++}`);
    await mkdir(folder);
    for (const [name, text] of Object.entries(files)) await writeFile(join(folder, name), text);
    return folder;
  };
  const loadError = async (folder: string) => {
    const err = await scenarioFilesIn(folder).then((files) => loadScenarioFiles(files, scenarios)).then(() => undefined, (e: unknown) => e);
    expect(err, "an error").to.be.instanceOf(ScenarioFileError);
    return (err as Error).message;
  };

  it('loads the examples, each a scenario made with the same defineScenario as the built-ins', async () => {
    const loaded = await loadScenarioFiles(await scenarioFilesIn('examples'), scenarios);
    expect(loaded.map((u) => [u.scenario.name, u.file.replace(/.*\/examples\//, '')])).to.deep.equal([
      ['reloader-restarts-once', 'reloader-named-configmap.scenario.ts'],
      ['strict-gate-rolls-back', 'strict-gate.scenario.ts'],
    ]);
    for (const u of loaded) expect(u.scenario.tunables).to.have.property('sabotage');
  });

  it("loads a file outside the repo that imports only from 'delivery-testbed', default or named exports", async () => {
    const folder = await folderWith({ 'a.scenario.ts': userScenario('mine-a'), 'b.scenario.ts': userScenario('mine-b').replace('export default', 'export const b =') });
    const loaded = await loadScenarioFiles(await scenarioFilesIn(folder), scenarios);
    expect(loaded.map((u) => u.scenario.name)).to.deep.equal(['mine-a', 'mine-b']);
  });

  it('names the file and line of a type error, before running anything', async () => {
    const message = await loadError(await folderWith({ 'typo.scenario.ts': userScenario('typo', "t.check('(a)', { expected: 1, observd: 1, reason: 'r' });") }));
    expect(message).to.match(/^.*typo\.scenario\.ts:9: Object literal may only specify known properties, but 'observd' does not exist/);
  });

  it('names the file and line of a syntax error', async () => {
    const message = await loadError(await folderWith({ 'broken.scenario.ts': userScenario('broken', 'const x = ;') }));
    expect(message).to.match(/broken\.scenario\.ts:9: Expression expected/);
  });

  it('names a file that exports no scenario', async () => {
    const message = await loadError(await folderWith({ 'empty.scenario.ts': "export const answer = 42;\n" }));
    expect(message).to.match(/empty\.scenario\.ts: exports no scenario; export one made with defineScenario from 'delivery-testbed'$/);
  });

  it('names the file and line of a name a built-in or another file has taken', async () => {
    const builtIn = await loadError(await folderWith({ 'dup.scenario.ts': userScenario('bad-canary') }));
    expect(builtIn).to.match(/dup\.scenario\.ts:4: scenario name "bad-canary" is taken by a built-in scenario; rename it$/);
    const twice = await loadError(await folderWith({ 'a.scenario.ts': userScenario('same'), 'b.scenario.ts': userScenario('same') }));
    expect(twice).to.match(/b\.scenario\.ts:4: scenario name "same" is taken by .*a\.scenario\.ts; rename it$/);
  });

  it('names the file and line of a file that throws while loading', async () => {
    const message = await loadError(await folderWith({ 'throws.scenario.ts': `${userScenario('throws')}\nthrow new Error('not configured');\n` }));
    expect(message).to.match(/throws\.scenario\.ts:13: loading it threw: not configured$/);
  });

  it('names a folder that does not exist, or holds no scenario file', async () => {
    expect(await loadError(join(dir, 'nowhere'))).to.match(/^--scenarios .*nowhere: no such directory$/);
    expect(await loadError(await folderWith({ 'notes.md': '# not a scenario' }))).to.match(/no \*\.scenario\.ts file in/);
  });

  it("reads testbed.config.ts's scenarios folder, and names a config without a default export", async () => {
    expect(await loadTestbedConfig(await folderWith({}))).to.equal(undefined);
    const folder = await folderWith({ 'testbed.config.ts': "import { defineConfig } from 'delivery-testbed';\n\nexport default defineConfig({ scenarios: 'mine' });\n" });
    expect((await loadTestbedConfig(folder))?.config).to.deep.equal({ scenarios: 'mine' });
    const bad = await folderWith({ 'testbed.config.ts': "export const scenarios = 'mine';\n" });
    const err = await loadTestbedConfig(bad).then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).to.match(/testbed\.config\.ts: has no default export; write export default defineConfig\(\{ … \}\)/);
  });

  it('the CLI exits 2 with one line naming the file and line, before any cluster work', async () => {
    const folder = await folderWith({ 'typo.scenario.ts': userScenario('typo', "t.check('(a)', { expected: 1, observd: 1, reason: 'r' });") });
    const r = await runCli(['scenario', '--scenarios', folder, '--provider', 'kubeconfig', '--kubeconfig', '/nonexistent']);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr.split('\n')[0]).to.match(/^error: .*typo\.scenario\.ts:9: Object literal may only specify known properties/);
    const listed = await runCli(['scenario', '--scenarios', 'examples', '--list']);
    expect(listed.exitCode, listed.all).to.equal(0);
    expect(listed.stdout).to.match(/strict-gate-rolls-back .* \(examples\/strict-gate\.scenario\.ts\)/);
  });
});
