import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { BuildError } from '../../../../clusters/components/index.ts';
import { goBuild } from '../../../../clusters/components/go-build.ts';
import { silentProgress } from '../../../../clusters/progress.ts';
import { writeFileModuleProxy } from '../../../helpers/file-module-proxy.ts';
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

describe('Go build of a component at another version than its wrapper pins (--component)', () => {
  const env = useTempEnv(() => ({}));

  it("requires that version alone, keeps the wrapper's replacements, and lets go mod tidy settle the rest", async () => {
    const lib = join(env.dir(), 'lib');
    await mkdir(lib);
    await writeFile(join(lib, 'go.mod'), 'module example.com/lib\n\ngo 1.22\n');
    await writeFile(join(lib, 'lib.go'), 'package lib\n\nconst Name = "lib"\n');
    const wrapper = join(env.dir(), 'wrapper');
    await mkdir(wrapper);
    await writeFile(join(wrapper, 'go.mod'), `module example.com/wrapper\n\ngo 1.22\n\nrequire example.com/lib v1.0.0\n\nreplace example.com/lib => ${lib}\n`);
    await writeFile(join(wrapper, 'main.go'), 'package main\n\nimport "example.com/lib"\n\nfunc main() { println(lib.Name) }\n');
    const logFile = join(env.dir(), 'build.log');
    const output = join(env.dir(), 'bin', 'x');
    await mkdir(join(env.dir(), 'bin'));
    await goBuild({ moduleDir: wrapper, retarget: { module: 'example.com/lib', version: 'v1.1.0' }, mainPackage: '.', output: 'x', ldflags: [] }, output, logFile, silentProgress, 'build');
    const log = await readFile(logFile, 'utf8');
    expect(log).to.include('$ go mod tidy');
    expect(log).to.include("built with example.com/lib@v1.1.0 instead of the wrapper's pin");
    expect(await readFile(join(wrapper, 'go.mod'), 'utf8'), 'the wrapper itself untouched').to.include('require example.com/lib v1.0.0');
    expect((await readFile(output)).length).to.be.greaterThan(0);
  });
});

describe("Go build of a module whose own go.mod takes modules from its tree (Kubernetes's staging), at another version", () => {
  const env = useTempEnv((dir) => ({ GOMODCACHE: join(dir, 'modcache'), GOFLAGS: '-modcacherw', GONOSUMDB: 'example.com', GOPROXY: 'off' }));

  it('replaces each in-tree module with its published version, not the ones the wrapper replaces at the pin, and keeps its godebug', async () => {
    const staged = (version: string, name: string) => ({ path: 'example.com/staged', version, files: { 'go.mod': 'module example.com/staged\n\ngo 1.22\n', 'staged.go': `package staged\n\nconst Name = "${name}"\n` } });
    process.env.GOPROXY = await writeFileModuleProxy(join(env.dir(), 'proxy'), [
      staged('v0.1.0', 'at the pin'),
      staged('v0.2.0', 'published beside v1.2.0'),
      {
        path: 'example.com/big',
        version: 'v1.2.0',
        files: {
          'go.mod': 'module example.com/big\n\ngo 1.22\n\nrequire example.com/staged v0.0.0\n\nreplace example.com/staged => ./staging/staged\n',
          'big.go': 'package big\n\nimport "example.com/staged"\n\nconst Name = staged.Name\n',
        },
      },
    ]);
    const wrapper = join(env.dir(), 'wrapper');
    await mkdir(wrapper);
    await writeFile(join(wrapper, 'go.mod'), 'module example.com/wrapper\n\ngo 1.22\n\ngodebug default=go1.22\n\nrequire example.com/big v1.1.0\n\nreplace example.com/staged => example.com/staged v0.1.0\n');
    await writeFile(join(wrapper, 'main.go'), 'package main\n\nimport "example.com/big"\n\nfunc main() { println(big.Name) }\n');
    const logFile = join(env.dir(), 'build.log');
    const output = join(env.dir(), 'bin', 'big');
    await mkdir(join(env.dir(), 'bin'));
    await goBuild({ moduleDir: wrapper, retarget: { module: 'example.com/big', version: 'v1.2.0', stagedAt: 'v0.2.0' }, mainPackage: '.', output: 'big', ldflags: [] }, output, logFile, silentProgress, 'build');
    const log = await readFile(logFile, 'utf8');
    expect(log).to.include('replaced 1 in-tree modules of example.com/big@v1.2.0 with their published v0.2.0');
    expect(log).to.include('godebug default=go1.22');
    const { stderr } = await execa(output);
    expect(stderr.trim()).to.equal('published beside v1.2.0');
  });
});
