import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { BuildError } from '../../../../clusters/components/index.ts';
import { goBuild } from '../../../../clusters/components/go-build.ts';
import { silentProgress } from '../../../../clusters/progress.ts';
import { useTempEnv } from '../../../helpers/temp-env.ts';

describe('Go build of a component', () => {
  const env = useTempEnv(() => ({}));

  it('names the failed step and the log path, and the log holds the compiler error', async () => {
    const moduleDir = join(env.dir(), 'broken');
    await mkdir(moduleDir);
    await writeFile(join(moduleDir, 'go.mod'), 'module example.com/broken\n\ngo 1.22\n');
    await writeFile(join(moduleDir, 'main.go'), 'package main\n\nfunc main() { undefinedCall() }\n');
    const logFile = join(env.dir(), 'build.log');
    const err = await goBuild({ moduleDir, mainPackage: '.', output: 'x', ldflags: [] }, join(env.dir(), 'out'), logFile, silentProgress, 'build').then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).to.be.instanceOf(BuildError);
    expect(err!.message).to.match(/^Go build failed at step "go build": exit 1 \(.*undefined: undefinedCall\); log: /);
    expect(err!.message).to.include(`; log: ${logFile}`);
    expect(await readFile(logFile, 'utf8')).to.include('undefined: undefinedCall');
  });
});
