import type { CheckResult } from '../harness/results.ts';
import { checkLabel } from './check-matrix.ts';
import { withCombination } from '../harness/matrix.ts';
import { scenarioAnchor } from './html/index.ts';
import type { RunReport } from './run-report.ts';

const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const failureMessage = (c: CheckResult) => `expected ${show(c.expected)}, observed ${show(c.observed)}`;
const seconds = (ms: number) => (ms / 1000).toFixed(3);

/**
 * JUnit XML as CI servers read it: a testsuite per scenario, a testcase per check. A check that
 * passed in some repeated attempts and failed in others passes with <flakyFailure> entries
 * (the Maven Surefire convention) and a flaky property. A scenario that errored adds an
 * "(environment)" testcase carrying <error>. Each suite links its section of report.html, which
 * sits beside junit.xml: the timeline and the failure diagnostics are there.
 */
export function renderJunit(report: RunReport): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  const suites: string[] = [];
  for (const scenario of report.scenarios) {
    const suite = withCombination(scenario.scenario, scenario.combination);
    const html = `report.html#${scenarioAnchor(suite)}`;
    const names = [...new Set(scenario.attempts.flatMap((a) => a.checks.map(checkLabel)))];
    const cases: string[] = [];
    let suiteFailures = 0;
    let suiteErrors = 0;
    let skipped = 0;
    for (const name of names) {
      const results = scenario.attempts.flatMap((a) => a.checks.filter((c) => checkLabel(c) === name).map((c) => ({ attempt: a.attempt, c })));
      const failed = results.filter((r) => r.c.status === 'fail');
      const passed = results.filter((r) => r.c.status === 'pass');
      const last = results.at(-1)!.c;
      const open = `    <testcase classname="${escape(suite)}" name="${escape(name)}" time="0">`;
      if (results.every((r) => r.c.status === 'skipped')) {
        skipped++;
        cases.push(`${open}<skipped message="${escape(last.reason)}"/></testcase>`);
      } else if (failed.length && passed.length) {
        cases.push(
          [
            open,
            '      <properties><property name="flaky" value="true"/></properties>',
            ...failed.map((f) => `      <flakyFailure message="${escape(`attempt ${f.attempt}: ${failureMessage(f.c)}`)}" type="CheckFailed">${escape(f.c.reason)}</flakyFailure>`),
            '    </testcase>',
          ].join('\n'),
        );
      } else if (failed.length) {
        suiteFailures++;
        const f = failed.at(-1)!.c;
        const chain = f.chain ? `\nchain: ${f.chain.join(' → ')}` : '';
        cases.push(`${open}\n      <failure message="${escape(failureMessage(f))}" type="CheckFailed">${escape(`${f.reason}\nexpected: ${show(f.expected)}\nobserved: ${show(f.observed)}${chain}\ntimeline and diagnostics: ${html}`)}</failure>\n    </testcase>`);
      } else {
        cases.push(`${open}</testcase>`);
      }
    }
    const crashed = scenario.attempts.filter((a) => a.verdict === 'error' && a.decidedBy?.kind === 'step');
    if (crashed.length) {
      suiteErrors++;
      const d = crashed.at(-1)!.decidedBy as { name: string; error: string };
      cases.push(`    <testcase classname="${escape(suite)}" name="(environment)" time="0">\n      <error message="${escape(`step "${d.name}": ${d.error}`)}" type="EnvironmentError">${escape(`timeline and diagnostics: ${html}`)}</error>\n    </testcase>`);
    }
    const time = scenario.attempts.reduce((s, a) => s + a.durationMs, 0);
    const count = cases.length;
    tests += count;
    failures += suiteFailures;
    errors += suiteErrors;
    suites.push(
      [
        `  <testsuite name="${escape(suite)}" tests="${count}" failures="${suiteFailures}" errors="${suiteErrors}" skipped="${skipped}" time="${seconds(time)}" timestamp="${report.startedAt}">`,
        `    <properties>${[['provider', report.provider], ['verdict', scenario.verdict], ['passRate', String(scenario.passRate)], ['report', html], ...Object.entries(report.versions).map(([k, v]) => [`version.${k}`, v])]
          .map(([k, v]) => `<property name="${escape(k!)}" value="${escape(v!)}"/>`)
          .join('')}</properties>`,
        ...cases,
        '  </testsuite>',
      ].join('\n'),
    );
  }
  lines.push(`<testsuites name="delivery-testbed" tests="${tests}" failures="${failures}" errors="${errors}" time="${seconds(report.durationMs)}">`, ...suites, '</testsuites>');
  return `${lines.join('\n')}\n`;
}
