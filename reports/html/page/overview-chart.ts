import type { EChartsCoreOption } from 'echarts/core';
import type { OverviewBar, RunOverview } from '../run-overview.ts';
import { esc, holdsText, seconds } from './html-text.ts';

const VERDICT_COLORS: Readonly<Record<OverviewBar['verdict'], string>> = { pass: '#2e9d4f', fail: '#d33a2c', error: '#8e44ad', running: '#2f6fd6' };
const WAITING = { fill: 'rgba(136,136,136,0.16)', stroke: 'rgba(136,136,136,0.55)' };
const ROW_HEIGHT = 30;
const TOP = 22;
const BOTTOM = 34;

/** Pixel height of the overview: a row per attempt and the time axis. */
export const overviewHeight = (overview: RunOverview): number => TOP + Math.max(overview.bars.length, 1) * ROW_HEIGHT + BOTTOM;

/** What ECharts hands renderItem: the data item's values, and its coordinate system. */
interface RenderApi {
  value(dim: number): number;
  coord(point: [number, number]): [number, number];
  size(span: [number, number]): [number, number];
  style(): Record<string, unknown>;
}

/** A bar from `from` to `to` on the row of bar `row`, with how long it lasted (`ms`) written inside when it fits. */
function renderBar(params: { seriesName: string }, api: RenderApi) {
  const row = api.value(0);
  const [x0, y] = api.coord([api.value(1), row]);
  const [x1] = api.coord([api.value(2), row]);
  const height = api.size([0, 1])[1] * 0.62;
  const width = Math.max(x1 - x0, 2);
  const waiting = params.seriesName === 'waiting';
  const rect = {
    type: 'rect',
    shape: { x: x0, y: y - height / 2, width, height, r: 3 },
    style: waiting ? { fill: WAITING.fill, stroke: WAITING.stroke, lineDash: [3, 3] } : api.style(),
  };
  const text = `${waiting ? 'waited ' : ''}${seconds(api.value(3))}`;
  const fits = width > text.length * 7 + 10;
  if (!fits) return rect;
  const label = { type: 'text', style: { x: x0 + 6, y, text, fill: waiting ? '#666' : '#fff', font: '11px sans-serif', verticalAlign: 'middle' } };
  return { type: 'group', children: [rect, label] };
}

function tooltip(overview: RunOverview, bar: OverviewBar, series: string): string {
  const offset = (at: number) => `+${seconds(at - overview.from)}`;
  if (series === 'waiting' && bar.waiting) return `<b>${esc(bar.label)}</b><br>waited ${esc(seconds(bar.waiting.ms))} before it started:<br>${esc(bar.waiting.reason)}`;
  return [
    `<b>${esc(bar.label)}</b> · ${esc(bar.verdict)}`,
    `${offset(bar.from)} → ${bar.verdict === 'running' ? 'now' : offset(bar.to)} (${esc(seconds(bar.to - bar.from))})`,
    `namespace ${esc(bar.namespace)}`,
    // Reports saved before attempts ran side by side do not say what they held.
    ...(bar.holds ? [Object.keys(bar.holds).length ? `held ${esc(holdsText(bar.holds))}` : 'held nothing beyond its namespace'] : []),
    ...(bar.waiting ? [`waited ${esc(seconds(bar.waiting.ms))}: ${esc(bar.waiting.reason)}`] : []),
  ].join('<br>');
}

/** The run's attempts as a Gantt chart: a bar per attempt coloured by its verdict, a faint bar for the wait before it; `now` marks a live run. */
export function overviewOption(overview: RunOverview, now?: number): EChartsCoreOption {
  const item = (bar: OverviewBar, row: number, from: number, to: number, ms = to - from) => ({ value: [row, from, to, ms], bar: bar.key, anchor: bar.anchor, itemStyle: { color: VERDICT_COLORS[bar.verdict] } });
  return {
    animation: false,
    grid: { left: 270, right: 30, top: TOP, bottom: BOTTOM },
    xAxis: { type: 'time', min: overview.from, max: overview.to, axisLabel: { hideOverlap: true }, splitLine: { show: true, lineStyle: { color: '#eee' } } },
    yAxis: {
      type: 'category',
      inverse: true,
      data: overview.bars.map((b) => b.label),
      axisTick: { show: false },
      axisLabel: { width: 255, overflow: 'truncate', fontSize: 12, color: '#333' },
    },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p: { seriesName: string; dataIndex: number; data: { bar: string } }) => tooltip(overview, overview.bars.find((b) => b.key === p.data.bar)!, p.seriesName),
    },
    series: [
      {
        name: 'waiting',
        type: 'custom',
        renderItem: renderBar,
        encode: { x: [1, 2], y: 0 },
        data: overview.bars.flatMap((b, row) => (b.waiting ? [item(b, row, b.waiting.from, b.waiting.to, b.waiting.ms)] : [])),
      },
      {
        name: 'attempts',
        type: 'custom',
        cursor: 'pointer',
        renderItem: renderBar,
        encode: { x: [1, 2], y: 0 },
        data: overview.bars.map((b, row) => item(b, row, b.from, b.to)),
        ...(now !== undefined
          ? { markLine: { silent: true, symbol: 'none', lineStyle: { color: VERDICT_COLORS.running, type: 'dashed' }, label: { formatter: 'now', color: VERDICT_COLORS.running, position: 'start' }, data: [{ xAxis: now }] } }
          : {}),
      },
    ],
  };
}
