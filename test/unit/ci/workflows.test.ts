import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { execa } from 'execa';
import { parse } from 'yaml';
import { previousMinors, provisionBinaries } from '../../../clusters/components/index.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

describe('GitHub workflows', () => {
  let actionlint = '';
  before(async () => {
    actionlint = (await provisionBinaries(['actionlint'])).actionlint!.path;
  });

  it('pass actionlint (pinned, built from the Go module proxy)', async () => {
    const res = await execa(actionlint, ['-color=false', '.github/workflows/nightly.yml'], { cwd: repo, reject: false });
    expect(res.exitCode, res.stdout + res.stderr).to.equal(0);
  });

  it("runs each add-on's previous minor, as versions.ts pins it, in the nightly matrix", async () => {
    const nightly = parse(await readFile(join(repo, '.github/workflows/nightly.yml'), 'utf8')) as { jobs: Record<string, { strategy?: { matrix: { include: Array<{ component: string; version: string }> } } }> };
    const matrix = nightly.jobs['previous-minor']!.strategy!.matrix.include.map(({ component, version }) => [component, version]);
    expect(Object.fromEntries(matrix)).to.deep.equal(previousMinors);
  });

  it('would fail actionlint if broken', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'testbed-actionlint-'));
    try {
      const broken = join(dir, 'broken.yml');
      await writeFile(broken, 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ matrix.nope }}\n');
      const res = await execa(actionlint, ['-color=false', broken], { reject: false });
      expect(res.exitCode).to.equal(1);
      expect(res.stdout).to.include('matrix');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
