import type { EChartsCoreOption } from 'echarts/core';
import type { Trend, TrendScenario } from '../../trend.ts';
import { esc, metricValue, seconds } from './html-text.ts';

const runLabel = (trend: Trend, run: number) => trend.runs[run]!.startedAt.replace('T', ' ').slice(0, 16);

function table(trend: Trend, s: TrendScenario): string {
  const head = s.points.map((p) => `<th title="${esc(trend.runs[p.run]!.file)}">${esc(runLabel(trend, p.run))}</th>`).join('');
  const row = (label: string, cells: string[], cls = '') => `<tr class="${cls}"><td>${esc(label)}</td>${cells.join('')}</tr>`;
  return `<table class="trend" data-scenario="${esc(s.scenario)}"><thead><tr><th>run</th>${head}</tr></thead><tbody>
    ${row('verdict', s.points.map((p) => `<td class="v-${esc(p.verdict)}">${esc(p.verdict)}</td>`), 'verdicts')}
    ${row('pass rate', s.points.map((p) => `<td>${(p.passRate * 100).toFixed(0)}%</td>`))}
    ${row('duration', s.points.map((p) => `<td>${esc(seconds(p.durationMs))}</td>`))}
    ${s.metrics.map((m) => row(m, s.points.map((p) => `<td>${esc(metricValue(p.metrics[m]))}</td>`), 'metric')).join('')}
    ${s.series.length > 1 ? row('versions', s.points.map((p) => `<td>${esc(s.series.find((g) => g.runs.includes(p.run))?.label ?? '')}</td>`)) : ''}
  </tbody></table>`;
}

/** Verdicts, duration and each metric over the saved runs, one section per scenario. */
export function trendView(trend: Trend): string {
  const sections = trend.scenarios.map(
    (s, i) => `<section class="trend-scenario"><h3>${esc(s.scenario)} over ${s.points.length} runs</h3>${table(trend, s)}<div class="trend-chart" data-trend="${i}"></div></section>`,
  );
  return `<section class="trends" id="trends"><h2>trend over ${trend.runs.length} runs</h2>${sections.join('')}</section>`;
}

/** Duration and each metric as lines over the runs; each group of component versions is its own series. */
export function trendOption(trend: Trend, s: TrendScenario): EChartsCoreOption {
  const measures = ['duration s', ...s.metrics];
  const value = (p: TrendScenario['points'][number], m: string) => (m === 'duration s' ? p.durationMs / 1000 : p.metrics[m]);
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 60, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: s.points.map((p) => runLabel(trend, p.run)) },
    yAxis: { type: 'log', logBase: 10 },
    series: s.series.flatMap((group) =>
      measures.map((m) => ({
        name: s.series.length > 1 ? `${m} (${group.label})` : m,
        type: 'line',
        connectNulls: false,
        data: s.points.map((p) => {
          const v = group.runs.includes(p.run) ? value(p, m) : undefined;
          return v === undefined || v <= 0 ? null : v;
        }),
      })),
    ),
  };
}
