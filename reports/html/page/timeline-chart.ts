import type { EChartsCoreOption } from 'echarts/core';
import type { Marker, MarkerLane, TimelineModel } from '../timeline-model.ts';
import { esc } from './html-text.ts';

const LANES: readonly MarkerLane[] = ['notes', 'kubernetes', 'reloader', 'flagger', 'checks'];
const LANE_TITLES: Readonly<Record<MarkerLane, string>> = { notes: 'harness', kubernetes: 'Kubernetes', reloader: 'Reloader', flagger: 'Flagger', checks: 'checks' };
const SEVERITY: Readonly<Record<Marker['severity'], { color: string; symbol: string; size: number }>> = {
  normal: { color: '#5470c6', symbol: 'circle', size: 7 },
  warning: { color: '#e6a23c', symbol: 'triangle', size: 11 },
  pass: { color: '#2e9d4f', symbol: 'circle', size: 10 },
  fail: { color: '#d33a2c', symbol: 'diamond', size: 15 },
  skipped: { color: '#999999', symbol: 'rect', size: 9 },
};
const STEP_SHADES = ['rgba(84,112,198,0.07)', 'rgba(145,204,117,0.10)'];
const PHASE_SHADES: Readonly<Record<string, string>> = {
  Progressing: 'rgba(84,112,198,0.12)',
  Failed: 'rgba(211,58,44,0.15)',
  Succeeded: 'rgba(46,157,79,0.15)',
  Promoting: 'rgba(46,157,79,0.08)',
  Finalising: 'rgba(46,157,79,0.08)',
};

const LANE_HEIGHT = 150;
const CHART_HEIGHT = 120;
const GAP = 46;
const TOP = 30;

/** Pixel height the stacked charts of a model need. */
export const timelineHeight = (model: TimelineModel): number => TOP + LANE_HEIGHT + model.charts.length * (CHART_HEIGHT + GAP) + 70;

/** Stacked charts on one time axis: event lanes on top, then each sampled chart; steps shade them all. */
export function timelineOption(model: TimelineModel): EChartsCoreOption {
  const tops = [TOP, ...model.charts.map((_, i) => TOP + LANE_HEIGHT + GAP + i * (CHART_HEIGHT + GAP))];
  const grids = tops.map((top, i) => ({ left: 70, right: 170, top, height: i === 0 ? LANE_HEIGHT - 20 : CHART_HEIGHT }));
  const gridCount = grids.length;
  const span = Math.max(model.to - model.from, 1);
  const stepArea = (withLabels: boolean) => ({
    silent: true,
    label: { show: withLabels, position: 'insideTop', color: '#555', fontSize: 10, overflow: 'truncate' },
    // A short step's label would sit on its neighbours'; its name is still in the steps table.
    data: model.steps.map((s, i) => [
      { xAxis: s.from, name: s.label, itemStyle: { color: STEP_SHADES[i % 2] }, label: { show: withLabels && (s.to - s.from) / span > 0.08 } },
      { xAxis: Math.max(s.to, s.from + 1) },
    ]),
  });
  const decidedLine = (withLabel: boolean) =>
    model.decided
      ? {
          silent: true,
          symbol: 'none',
          lineStyle: { color: '#d33a2c', width: 2, type: 'solid' },
          label: { show: withLabel, formatter: model.decided.label, position: 'insideEndTop', color: '#d33a2c', fontWeight: 'bold' },
          data: [{ xAxis: model.decided.at }],
        }
      : undefined;

  const laneSeries = LANES.map((lane, i) => ({
    name: LANE_TITLES[lane],
    type: 'scatter',
    xAxisIndex: 0,
    yAxisIndex: 0,
    data: model.markers
      .filter((m) => m.lane === lane)
      .map((m) => ({
        value: [m.at, LANE_TITLES[lane]],
        name: m.label,
        message: m.message,
        severity: m.severity,
        symbol: SEVERITY[m.severity].symbol,
        symbolSize: SEVERITY[m.severity].size,
        itemStyle: { color: SEVERITY[m.severity].color },
      })),
    // The step bands and the verdict line hang on the first lane, so they exist even when no marker does.
    ...(i === 0 ? { markArea: stepArea(true), ...(model.decided ? { markLine: decidedLine(true) } : {}) } : {}),
  }));

  const chartSeries = model.charts.flatMap((chart, c) =>
    chart.lines.map((line, l) => ({
      name: `${chart.title}: ${line.name}`,
      type: 'line',
      xAxisIndex: c + 1,
      yAxisIndex: c + 1,
      showSymbol: line.points.length < 60,
      symbolSize: 4,
      step: chart.id.startsWith('weight') || chart.id.startsWith('ready') ? 'end' : false,
      data: line.points.map((p) => [p[0], p[1]]),
      ...(l === 0
        ? {
            markArea: {
              ...stepArea(false),
              data: [
                ...stepArea(false).data,
                ...chart.bands.map((b) => [
                  { xAxis: b.from, name: b.label, itemStyle: { color: PHASE_SHADES[b.label] ?? 'rgba(0,0,0,0.03)' }, label: { show: true, position: 'insideTopRight', color: '#333', fontSize: 10 } },
                  { xAxis: Math.max(b.to, b.from + 1) },
                ]),
              ],
            },
            markLine: {
              silent: true,
              symbol: 'none',
              data: [
                ...chart.thresholds.map((t) => ({ yAxis: t.value, name: t.label, lineStyle: { color: '#d33a2c', type: 'dashed' }, label: { formatter: t.label, position: 'insideEndTop', color: '#d33a2c' } })),
                ...(model.decided ? [{ xAxis: model.decided.at, lineStyle: { color: '#d33a2c', width: 2, type: 'solid' }, label: { show: false } }] : []),
              ],
            },
          }
        : {}),
    })),
  );

  return {
    animation: false,
    title: [
      { text: 'events', top: 4, left: 6, textStyle: { fontSize: 12 } },
      ...model.charts.map((chart, i) => ({ text: `${chart.title} (${chart.unit})`, top: tops[i + 1]! - 22, left: 6, textStyle: { fontSize: 12 } })),
    ],
    grid: grids,
    xAxis: grids.map((_, i) => ({
      type: 'time',
      gridIndex: i,
      min: model.from,
      max: model.to,
      axisLabel: { show: i === 0 || i === gridCount - 1, hideOverlap: true },
      axisPointer: { show: true, snap: false, label: { show: i === gridCount - 1 } },
      splitLine: { show: false },
    })),
    yAxis: grids.map((_, i) =>
      i === 0
        ? { type: 'category', gridIndex: 0, data: LANES.map((l) => LANE_TITLES[l]), axisTick: { show: false } }
        : { type: 'value', gridIndex: i, name: model.charts[i - 1]!.unit, nameTextStyle: { fontSize: 10 }, splitNumber: 3, max: (v: { max: number }) => Math.max(v.max, ...model.charts[i - 1]!.thresholds.map((t) => t.value)) },
    ),
    legend: model.charts.map((chart, i) => ({
      type: 'scroll',
      orient: 'vertical',
      right: 4,
      top: tops[i + 1],
      height: CHART_HEIGHT,
      width: 160,
      textStyle: { fontSize: 10, width: 130, overflow: 'truncate' },
      data: chart.lines.map((l) => `${chart.title}: ${l.name}`),
      formatter: (name: string) => name.slice(chart.title.length + 2),
    })),
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p: { seriesType: string; data: { message?: string; value: [number, unknown] } | [number, number]; seriesName: string }) => {
        if (p.seriesType === 'scatter' && !Array.isArray(p.data)) {
          const d = p.data;
          return `<b>${esc(new Date(d.value[0]).toISOString().slice(11, 23))} ${esc(p.seriesName)}</b><br>${esc(d.message ?? '').slice(0, 600)}`;
        }
        const d = p.data as [number, number];
        return `<b>${esc(new Date(d[0]).toISOString().slice(11, 23))}</b> ${esc(p.seriesName)}: <b>${esc(Number(d[1]).toFixed(2))}</b>`;
      },
    },
    dataZoom: [
      { type: 'inside', xAxisIndex: grids.map((_, i) => i), filterMode: 'none' },
      { type: 'slider', xAxisIndex: grids.map((_, i) => i), filterMode: 'none', bottom: 12, height: 20 },
    ],
    series: [...laneSeries, ...chartSeries],
  };
}
