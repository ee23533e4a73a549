import { expect } from 'chai';
import { runCli } from '../../helpers/cli.ts';

describe('CLI bad input', () => {
  it('an unknown command prints usage and exits 2', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.include('error: unknown command "frobnicate"');
    expect(r.stderr).to.include('usage: testbed <command>');
  });

  it('an unknown flag prints usage and exits 2', async () => {
    const r = await runCli(['cluster', 'up', '--bogus']);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.match(/error: Unknown option '--bogus'/);
    expect(r.stderr).to.include('usage: testbed cluster');
  });

  it('a bad --nodes or --bin value exits 2 with the value quoted', async () => {
    const nodes = await runCli(['cluster', 'up', '--nodes', 'many']);
    expect(nodes.exitCode).to.equal(2);
    expect(nodes.stderr).to.include('--nodes must be a whole number from 1 to 50, got "many"');
    const bin = await runCli(['components', 'list', '--bin', 'etcd']);
    expect(bin.exitCode).to.equal(2);
    expect(bin.stderr).to.include('--bin expects NAME=PATH, got "etcd"');
  });

  it('components list names every binary with its pinned version', async () => {
    const r = await runCli(['components', 'list']);
    expect(r.exitCode).to.equal(0);
    for (const binary of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) expect(r.stdout).to.match(new RegExp(`^${binary}\\s+v\\d`, 'm'));
  });
});

describe('scenario CLI bad input', () => {
  it('--list prints each scenario with its summary', async () => {
    const r = await runCli(['scenario', '--list']);
    expect(r.exitCode).to.equal(0);
    expect(r.stdout).to.match(/conflicting-apply\s+Server-side apply conflict detection/);
  });

  it('an unknown scenario exits 2 and lists what exists', async () => {
    const r = await runCli(['scenario', 'no-such-thing']);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.include('unknown scenario "no-such-thing"; scenarios:');
    expect(r.stderr).to.include('conflicting-apply');
  });

  it('an unknown tunable or a bad value exits 2 before any cluster starts', async () => {
    const unknown = await runCli(['scenario', 'conflicting-apply', '--set', 'replicas=3']);
    expect(unknown.exitCode).to.equal(2);
    expect(unknown.stderr).to.include('no selected scenario has a tunable "replicas"');
    const bad = await runCli(['scenario', 'conflicting-apply', '--set', 'sabotage=sometimes']);
    expect(bad.exitCode).to.equal(2);
    expect(bad.stderr).to.include('--set sabotage=sometimes: expected one of none, always-force, update-instead-of-apply');
  });
});
