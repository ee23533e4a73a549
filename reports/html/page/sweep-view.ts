import { combinationLabel, withCombination } from '../../../harness/matrix.ts';
import type { RunReport } from '../../run-report.ts';
import type { Sweep } from '../../sweep.ts';
import { entryName } from '../run-overview.ts';
import { esc, metricValue } from './html-text.ts';
import { MARK, entryVerdict } from './run-view.ts';

function table(sweep: Sweep, report: RunReport, anchors: readonly string[]): string {
  // Each column is a scenario entry of the report: its section, and its verdict (running while it runs).
  const entries = sweep.columns.map((c) => report.scenarios.findIndex((s) => entryName(s) === withCombination(sweep.scenario, c.combination)));
  const head = sweep.columns.map((c, i) => `<th data-combination="${esc(combinationLabel(c.combination))}"><a href="#${esc(anchors[entries[i]!] ?? '')}">${esc(combinationLabel(c.combination))}</a></th>`);
  const verdicts = sweep.columns.map((c, i) => {
    const entry = report.scenarios[entries[i]!];
    const verdict = entry ? entryVerdict(entry) : c.verdict;
    return `<td class="v-${esc(verdict)}">${verdict === 'running' ? '…' : MARK[verdict]} ${esc(verdict)}</td>`;
  });
  const checks = sweep.checks.map((check) => {
    const cells = sweep.columns.map((c) => {
      const status = c.checks[check];
      return status ? `<td class="s-${status}">${MARK[status]} ${status}</td>` : '<td class="absent" title="not run in this combination"></td>';
    });
    return `<tr class="sweep-check"><td>${esc(check)}</td>${cells.join('')}</tr>`;
  });
  const metrics = sweep.metrics.map((m) => `<tr class="metric"><td>${esc(m)}</td>${sweep.columns.map((c) => `<td>${esc(metricValue(c.metrics[m]))}</td>`).join('')}</tr>`);
  return `<table class="sweep" data-scenario="${esc(sweep.scenario)}">
    <thead><tr><th>combination</th>${head.join('')}</tr></thead>
    <tbody>
      <tr class="verdicts"><td>verdict</td>${verdicts.join('')}</tr>
      ${checks.join('')}
      ${metrics.length ? `<tr class="group"><td colspan="${sweep.columns.length + 1}">metrics (median of the attempts)</td></tr>${metrics.join('')}` : ''}
    </tbody>
  </table>`;
}

/** Each scenario a `--matrix` swept: its combinations side by side, the verdict, each check and each metric a row. */
export function sweepsView(sweeps: readonly Sweep[], report: RunReport, anchors: readonly string[]): string {
  if (!sweeps.length) return '';
  const keys = Object.keys(report.matrix ?? {});
  const sections = sweeps.map((sweep) => `<h3>${esc(sweep.scenario)}: ${sweep.columns.length} combinations</h3>${table(sweep, report, anchors)}`);
  return `<h2>matrix${keys.length ? ` of ${esc(keys.join(' × '))}` : ''}</h2>${sections.join('')}`;
}
