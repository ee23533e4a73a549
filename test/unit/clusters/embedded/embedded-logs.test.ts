import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { embeddedLogs } from '../../../../clusters/embedded/embedded-logs.ts';
import { ClusterPaths, PodLogNotFoundError, findPodLog } from '../../../../clusters/embedded/index.ts';

describe("the embedded cluster's logs", () => {
  let state = '';
  const saved = process.env.TESTBED_STATE_DIR;
  const paths = () => new ClusterPaths('tb');
  /** A pod dir as the node agent makes it, with these container logs, last modified `age` seconds ago. */
  const podDir = async (dir: string, logs: Record<string, string>, age: number) => {
    const root = join(paths().pods, dir);
    await mkdir(join(root, 'logs'), { recursive: true });
    for (const [container, text] of Object.entries(logs)) await writeFile(join(root, 'logs', `${container}.log`), text);
    const t = new Date(Date.now() - age * 1000);
    await utimes(root, t, t);
    return root;
  };
  beforeEach(async () => {
    state = await mkdtemp(join(tmpdir(), 'testbed-embedded-logs-'));
    process.env.TESTBED_STATE_DIR = state;
    await mkdir(paths().logs, { recursive: true });
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env.TESTBED_STATE_DIR;
    else process.env.TESTBED_STATE_DIR = saved;
    await rm(state, { recursive: true, force: true });
  });

  it("tails a component's file in the state dir", async () => {
    await writeFile(paths().log('flagger'), Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
    const tail = await embeddedLogs('tb').tail({ component: 'flagger' }, 40);
    expect(tail.source).to.equal(join(state, 'clusters', 'tb', 'logs', 'flagger.log'));
    expect(tail.lines).to.have.length(40);
    expect(tail.lines[0]).to.equal('line 61');
    expect(tail.lines.at(-1)).to.equal('line 100');
  });

  it('reads only the end of a long log, never a cut line', async () => {
    const long = Array.from({ length: 20_000 }, (_, i) => `${'x'.repeat(40)} ${i}`);
    await writeFile(paths().log('reloader'), long.join('\n'));
    const tail = await embeddedLogs('tb').tail({ component: 'reloader' }, 1_000_000);
    expect(tail.lines.length).to.be.below(long.length);
    expect(tail.lines).to.deep.equal(long.slice(-tail.lines.length));
  });

  it("tails the newest pod of that name's container log, as `testbed logs` finds it", async () => {
    await podDir('tb-ns_web-1_old-uid', { app: 'old run\n' }, 60);
    const newest = await podDir('tb-ns_web-1_new-uid', { app: 'first\nsecond\n', proxy: 'p\n' }, 1);
    await podDir('tb-ns_web-10_other', { app: 'not this pod\n' }, 0);
    expect(await findPodLog('tb', { namespace: 'tb-ns', pod: 'web-1', container: 'app' })).to.equal(join(newest, 'logs', 'app.log'));
    expect(await embeddedLogs('tb').tail({ namespace: 'tb-ns', pod: 'web-1', container: 'app' }, 40)).to.deep.equal({ lines: ['first', 'second'], source: join(newest, 'logs', 'app.log') });
  });

  it('says what there is when the pod or container has no log', async () => {
    const root = await podDir('tb-ns_web-1_uid', { app: '', proxy: '' }, 0);
    const failure = (target: { namespace: string; pod: string; container?: string }) => findPodLog('tb', target).then(() => undefined, (e: Error) => e);
    const noPod = await failure({ namespace: 'tb-ns', pod: 'gone' });
    expect(noPod).to.be.instanceOf(PodLogNotFoundError);
    expect(noPod!.message).to.equal(`no pod tb-ns/gone has run on cluster "tb" (looked in ${paths().pods})`);
    expect((await failure({ namespace: 'tb-ns', pod: 'web-1', container: 'db' }))!.message).to.match(new RegExp(`^no container "db" in tb-ns/web-1: (app, proxy|proxy, app) \\(in ${root}/logs\\)$`));
    expect((await failure({ namespace: 'tb-ns', pod: 'web-1' }))!.message).to.match(/^choose a container of tb-ns\/web-1: /);
    const missing = await embeddedLogs('tb').tail({ component: 'wave' }, 40).then(() => undefined, (e: Error) => e);
    expect(missing!.message).to.include(paths().log('wave'));
  });
});
