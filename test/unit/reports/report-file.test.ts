import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { renderJson, type RunReport } from '../../../reports/index.ts';
import { ReportFileError, readRunReport } from '../../../reports/report-file.ts';

const at = '2026-01-01T00:00:00.000Z';

/** A saved report of one failed attempt, its diagnostics as the runner collects them. */
function failedRun(diagnostics: unknown): RunReport {
  return {
    schemaVersion: 1,
    provider: 'embedded',
    versions: { kubernetes: 'v1.36.3' },
    verdict: 'fail',
    startedAt: at,
    durationMs: 1000,
    environment: { node: 'v20.20.2', os: 'linux', cpus: 2, host: 'h' },
    scenarios: [
      {
        scenario: 'bad-canary',
        verdict: 'fail',
        passRate: 0,
        flaky: false,
        checks: [],
        attempts: [
          {
            attempt: 1,
            namespace: 'tb-bad-canary-1',
            tunables: {},
            verdict: 'fail',
            decidedBy: { kind: 'check', name: '(a) rolled back' },
            durationMs: 1000,
            steps: [],
            checks: [],
            timeline: [],
            metrics: {},
            diagnostics: diagnostics as never,
          },
        ],
      },
    ],
  };
}

const diagnostics = {
  collectedAt: at,
  events: [{ at, type: 'Warning', reason: 'Synced', object: 'Canary/web', message: 'Rolling back web', count: 2 }],
  logs: [{ name: 'flagger', source: '/state/logs/flagger.log', lines: ['Halt advancement'] }],
  objects: [
    { kind: 'Canary', name: 'web', state: { phase: 'Failed' } },
    { kind: 'VirtualService', name: 'web', state: { http: [] } },
  ],
  problems: ['log of pod web-x/app: gone'],
};

describe('reading a saved report.json with diagnostics', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'testbed-report-file-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));
  const saved = async (report: RunReport) => {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
    await writeFile(path, renderJson(report));
    return path;
  };

  it("accepts a failed attempt's diagnostics as the runner writes them", async () => {
    const report = await readRunReport(await saved(failedRun(diagnostics)));
    expect(report.scenarios[0]!.attempts[0]!.diagnostics).to.deep.equal(diagnostics);
  });

  it('names the first field of the diagnostics that departs from their shape', async () => {
    const cases: Array<[unknown, string]> = [
      [{ ...diagnostics, events: [{ ...diagnostics.events[0], count: '2' }] }, 'scenarios[0].attempts[0].diagnostics.events[0].count: expected a number, got "2"'],
      [{ ...diagnostics, logs: [{ name: 'flagger', source: 'f', lines: 'Halt advancement' }] }, 'scenarios[0].attempts[0].diagnostics.logs[0].lines: expected an array, got "Halt advancement"'],
      [{ ...diagnostics, objects: [{ kind: 'Canary', state: {} }] }, 'scenarios[0].attempts[0].diagnostics.objects[0].name: missing, expected a string'],
      [{ ...diagnostics, problems: undefined }, 'scenarios[0].attempts[0].diagnostics.problems: missing, expected an array'],
      [{ ...diagnostics, collectedAt: 'yesterday' }, 'scenarios[0].attempts[0].diagnostics.collectedAt: expected a time such as "2026-11-25T13:52:27.836Z", got "yesterday"'],
    ];
    for (const [bad, message] of cases) {
      const path = await saved(failedRun(bad));
      const err = await readRunReport(path).then(() => undefined, (e: Error) => e);
      expect(err, message).to.be.instanceOf(ReportFileError);
      expect(err!.message).to.equal(`${path}: ${message}`);
    }
  });
});
