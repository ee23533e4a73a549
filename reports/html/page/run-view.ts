import { describeProof } from '../../../harness/check-proofs.ts';
import type { CheckResult } from '../../../harness/results.ts';
import type { AttemptLiveState, AttemptReport, RunReport, ScenarioReport } from '../../run-report.ts';
import { attemptAnchor, attemptKey, entryName, isRunning } from '../run-overview.ts';
import { esc, holdsText, metricValue, seconds, show } from './html-text.ts';

export const MARK = { pass: '✓', fail: '✗', skipped: '–', error: '!' } as const;
type Shown = keyof typeof MARK;

export const badge = (verdict: string) => `<span class="badge v-${esc(verdict)}">${esc(verdict.toUpperCase())}</span>`;

function counts(checks: readonly CheckResult[]) {
  const c = { pass: 0, fail: 0, skipped: 0 };
  for (const check of checks) c[check.status]++;
  return c;
}

function header(report: RunReport): string {
  const passed = report.scenarios.filter((s) => s.verdict === 'pass').length;
  const running = isRunning(report);
  return `<header class="run v-${esc(running ? 'running' : report.verdict)}">
    ${badge(running ? 'running' : report.verdict)}
    <div>
      <h1>${passed} of ${report.scenarios.length} scenario${report.scenarios.length === 1 ? '' : 's'} passed</h1>
      <p>on <b>${esc(report.provider)}</b> · started ${esc(report.startedAt.replace('T', ' ').slice(0, 19))} UTC · ${running ? 'running' : `took ${esc(seconds(report.durationMs))}`}${(report.workers ?? 1) > 1 ? ` · up to ${esc(report.workers)} attempts at once` : ''} · node ${esc(report.environment.node)}, ${esc(report.environment.cpus)} CPUs</p>
    </div>
  </header>`;
}

/** An entry's verdict, or running while any of its attempts runs. */
export const entryVerdict = (s: ScenarioReport) => (s.attempts.some((a) => a.verdict === 'running') ? 'running' : s.verdict);

/** `waited 40.3 s: all 2 workers were busy`, or nothing for an attempt that started with the run. */
const waitedText = (a: AttemptReport) => (a.waited ? `waited ${seconds(a.waited.ms)}: ${a.waited.reason}` : '');

/** The entry's attempts that waited for the scheduler, each with how long and why. */
function waits(s: ScenarioReport): string {
  const waited = s.attempts.filter((a) => a.waited);
  return waited.map((a) => `<div class="waited">${s.attempts.length > 1 ? `#${a.attempt} ` : ''}${esc(waitedText(a))}</div>`).join('');
}

function overview(report: RunReport, anchors: readonly string[]): string {
  // Only runs whose attempts waited for one another have the column.
  const waited = report.scenarios.some((s) => s.attempts.some((a) => a.waited));
  const rows = report.scenarios.map((s, i) => {
    const c = counts(s.checks.length ? s.checks : (s.attempts.at(-1)?.checks ?? []));
    const verdict = entryVerdict(s);
    return `<tr class="v-${esc(verdict)}">
      <td><a href="#${esc(anchors[i])}">${esc(entryName(s))}</a></td>
      <td>${badge(verdict)}${s.flaky ? ' <span class="flaky" title="attempts disagreed">flaky</span>' : ''}</td>
      <td>${c.pass} ✓ · ${c.fail} ✗ · ${c.skipped} –</td>
      <td>${(s.passRate * 100).toFixed(0)}% of ${s.attempts.length}</td>
      <td>${esc(seconds(s.attempts.reduce((t, a) => t + a.durationMs, 0)))}</td>
      ${waited ? `<td>${waits(s)}</td>` : ''}
    </tr>`;
  });
  return `<table class="overview"><thead><tr><th>scenario</th><th>verdict</th><th>checks</th><th>pass rate</th><th>time</th>${waited ? '<th>waited</th>' : ''}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function versions(report: RunReport): string {
  const rows = Object.entries(report.versions).map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`);
  return `<details class="versions"><summary>component versions (${rows.length})</summary><table>${rows.join('')}</table></details>`;
}

/** How the check has been seen to fail, and where users make that mistake. */
function proofCell(c: CheckResult): string {
  if (!c.proof) return '<td></td>';
  const seen = 'provenBy' in c.proof ? c.proof.provenBy.filter((p) => p.seenIn).map((p) => `<li>${esc(p.sabotage)}: ${esc(p.seenIn!)}</li>`) : [];
  return `<td class="proof">${esc(describeProof(c.proof))}${seen.length ? `<ul class="seen-in">${seen.join('')}</ul>` : ''}</td>`;
}

function checkRow(c: CheckResult, decided: boolean, proofs: boolean): string {
  const chain = c.chain?.length ? `<ol class="chain">${c.chain.map((l) => `<li>${esc(l)}</li>`).join('')}</ol>` : '';
  return `<tr class="check s-${c.status}${decided ? ' decided' : ''}">
    <td class="status"><span class="mark">${MARK[c.status]}</span> ${c.status}</td>
    <td class="name">${esc(c.name)}${c.variant ? ` <span class="variant">${esc(c.variant)}</span>` : ''}${decided ? ' <span class="decider">decided the verdict</span>' : ''}</td>
    <td><pre>${esc(show(c.expected))}</pre></td>
    <td><pre>${esc(show(c.observed))}</pre></td>
    <td>${esc(c.reason)}${chain}</td>${proofs ? proofCell(c) : ''}
  </tr>`;
}

function checksTable(a: AttemptReport): string {
  const d = a.decidedBy;
  const proofs = a.checks.some((c) => c.proof);
  const rows = a.checks.map((c) => checkRow(c, d?.kind === 'check' && c.name === d.name && c.status === 'fail' && a.checks.find((x) => x.name === d.name && x.status === 'fail') === c, proofs));
  if (d?.kind === 'step') {
    const status: Shown = 'error';
    rows.push(`<tr class="check s-error decided"><td class="status"><span class="mark">${MARK[status]}</span> error</td><td class="name">environment: step “${esc(d.name)}” <span class="decider">decided the verdict</span></td><td colspan="${proofs ? 4 : 3}"><pre>${esc(d.error)}</pre></td></tr>`);
  }
  if (!rows.length) return '<p class="none">no checks yet</p>';
  return `<table class="checks"><thead><tr><th>status</th><th>check</th><th>expected</th><th>observed</th><th>reason</th>${proofs ? '<th>seen to fail</th>' : ''}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function matrix(a: AttemptReport): string {
  if (!a.matrix) return '';
  const head = a.matrix.variants.map((v) => `<th>${esc(v)}</th>`).join('');
  const rows = a.matrix.rows.map((r) => `<tr><td>${esc(r.check)}</td>${a.matrix!.variants.map((v) => { const s = r.results[v]; return s ? `<td class="s-${s}">${MARK[s]} ${s}</td>` : '<td></td>'; }).join('')}</tr>`);
  return `<h4>checks by mechanism</h4><table class="matrix"><thead><tr><th>check</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function metrics(a: AttemptReport): string {
  const entries = Object.entries(a.metrics);
  if (!entries.length) return '';
  return `<h4>metrics</h4><table class="metrics">${entries.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(metricValue(v))}</td></tr>`).join('')}</table>`;
}

function diagnostics(a: AttemptReport): string {
  const d = a.diagnostics;
  if (!d) return '';
  const events = d.events.map((e) => `<tr class="${e.type === 'Warning' ? 'warning' : ''}"><td>${esc(e.at.slice(11, 23))}</td><td>${esc(e.type)}</td><td>${esc(e.object)}</td><td>${esc(e.reason)}</td><td>${esc(e.message)}${e.count > 1 ? ` (×${e.count})` : ''}</td></tr>`);
  const logs = d.logs.map((l) => `<details><summary>${esc(l.name)} <span class="source">${esc(l.source)}</span></summary><pre class="log">${esc(l.lines.join('\n'))}</pre></details>`);
  const objects = d.objects.map((o) => `<details><summary>${esc(o.kind)}/${esc(o.name)}</summary><pre>${esc(JSON.stringify(o.state, null, 2))}</pre></details>`);
  const problems = d.problems.length ? `<ul class="problems">${d.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>` : '';
  return `<details class="diagnostics" open><summary>failure diagnostics, collected ${esc(d.collectedAt.slice(11, 19))} before the namespace was deleted</summary>
    ${problems}
    <h5>final state</h5>${objects.join('') || '<p class="none">none</p>'}
    <h5>last log lines</h5>${logs.join('') || '<p class="none">none</p>'}
    <h5>events of the namespace (${events.length})</h5><table class="events">${events.join('')}</table>
  </details>`;
}

function steps(a: AttemptReport): string {
  const rows = a.steps.map((s) => `<tr class="step ${s.ok ? 'ended' : 's-error'}"><td>${s.ok ? '✓' : '✗'}</td><td>${esc(s.name)}</td><td>${esc(seconds(s.durationMs))}</td><td>${esc(s.error ?? '')}</td></tr>`);
  // Live: the steps still running, outermost first, after those that ended.
  const running = (a.live?.steps ?? []).map((name) => `<tr class="step running"><td>…</td><td>${esc(name)}</td><td>running</td><td></td></tr>`);
  return `<details class="steps"${a.live ? ' open' : ''}><summary>steps (${rows.length}${running.length ? ` + ${running.length} running` : ''})</summary><table>${[...rows, ...running].join('')}</table></details>`;
}

/** What a running attempt does now: its innermost step, and what it waits for or is paused before (HTML). */
function liveText(live: AttemptLiveState): string {
  const step = live.steps.at(-1);
  return live.pausedBefore
    ? `paused before <b>${esc(live.pausedBefore)}</b>: press Enter in the terminal`
    : `${step ? `running <b>${esc(step)}</b>` : 'running'}${live.waitingFor ? `, waiting for <b>${esc(live.waitingFor)}</b>` : ''}`;
}

function liveLine(a: AttemptReport): string {
  return a.live ? `<p class="live-state" data-live="true">${liveText(a.live)}</p>` : '';
}

/** When the attempt started, after what wait, holding what; absent from reports saved before attempts ran side by side. */
function schedule(a: AttemptReport): string {
  if (!a.startedAt) return '';
  const held = a.holds && Object.keys(a.holds).length ? ` · held ${esc(holdsText(a.holds))}` : '';
  return `<p class="schedule">started ${esc(a.startedAt.slice(11, 23))}${a.waited ? ` after it <span class="waited">${esc(waitedText(a))}</span>` : ''}${held}</p>`;
}

function attempt(s: ScenarioReport, a: AttemptReport, anchor: string): string {
  const d = a.decidedBy;
  const why = d?.kind === 'check' ? `decided by check “${esc(d.name)}”` : d?.kind === 'step' ? `error in step “${esc(d.name)}”` : d ? 'every check passed' : '';
  const tunables = Object.entries(a.tunables).map(([k, v]) => `${esc(k)}=${esc(v)}`).join(' ');
  return `<article class="attempt v-${esc(a.verdict)}" id="${esc(attemptAnchor(anchor, a))}">
    <h3>${badge(a.verdict)} attempt ${a.attempt} ${why ? `· ${why}` : ''} · ${esc(seconds(a.durationMs))} · namespace ${esc(a.namespace)}</h3>
    ${liveLine(a)}
    ${schedule(a)}
    <p class="tunables">${tunables}</p>
    <div class="timeline" data-attempt="${esc(attemptKey(s, a))}"></div>
    ${checksTable(a)}
    ${matrix(a)}
    ${metrics(a)}
    ${diagnostics(a)}
    ${steps(a)}
  </article>`;
}

/** One scenario entry's section (its id is `anchor`): every attempt with its timeline, checks and diagnostics. */
export function scenarioView(s: ScenarioReport, anchor: string): string {
  return `<section class="scenario">
    <h2>${badge(entryVerdict(s))} ${esc(entryName(s))}${s.flaky ? ' <span class="flaky">flaky</span>' : ''} <span class="pass-rate">${(s.passRate * 100).toFixed(0)}% of ${s.attempts.length} passed</span></h2>
    ${s.attempts.map((a) => attempt(s, a, anchor)).join('')}
  </section>`;
}

/** What a reader sees first: the verdict, then each scenario entry one click away (`anchors`, index for index), and the versions. */
export function runSummaryView(report: RunReport, anchors: readonly string[]): string {
  return `${header(report)}<nav>${overview(report, anchors)}${versions(report)}</nav>`;
}

/** The live view's list of every attempt running now: how long it has run, its step, and what it waits for or is paused before. */
export function runningNowView(report: RunReport, anchors: readonly string[], now: number): string {
  const items = report.scenarios.flatMap((s, i) =>
    s.attempts
      .filter((a) => a.verdict === 'running')
      .map((a) => {
        const elapsed = a.startedAt ? ` <span class="elapsed">${esc(seconds(Math.max(0, now - Date.parse(a.startedAt))))}</span>` : '';
        return `<li class="running-attempt" data-attempt="${esc(attemptKey(s, a))}"><a href="#${esc(attemptAnchor(anchors[i]!, a))}">${esc(entryName(s))} #${a.attempt}</a>${elapsed} <span class="now">${a.live ? liveText(a.live) : 'running'}</span></li>`;
      }),
  );
  if (!items.length) return '';
  return `<h2>running now: ${items.length} attempt${items.length === 1 ? '' : 's'}</h2><ul class="running-now">${items.join('')}</ul>`;
}
