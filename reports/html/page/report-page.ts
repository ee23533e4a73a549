/// <reference lib="dom" />
import { init, use, type ECharts } from 'echarts/core';
import { LineChart, ScatterChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { RunReport, ScenarioReport } from '../../run-report.ts';
import type { HtmlReportData } from '../html-report-data.ts';
import { timelineModel } from '../timeline-model.ts';
import { scenarioAnchor } from './html-text.ts';
import { runSummaryView, scenarioView } from './run-view.ts';
import { timelineHeight, timelineOption } from './timeline-chart.ts';
import { trendOption, trendView } from './trend-view.ts';

use([LineChart, ScatterChart, GridComponent, TooltipComponent, DataZoomComponent, MarkAreaComponent, MarkLineComponent, LegendComponent, TitleComponent, CanvasRenderer]);

/** What the page keeps, on `window.testbedReport` for the console (and the browser tests). */
interface PageState {
  data: HtmlReportData;
  /** Each attempt's chart, by "scenario#attempt". */
  readonly charts: Map<string, ECharts>;
  readonly trendCharts: ECharts[];
  /** Live updates drawn so far. */
  updates: number;
}

declare global {
  interface Window {
    testbedReport: PageState;
  }
}

const state: PageState = { data: JSON.parse(document.getElementById('testbed-data')!.textContent!) as HtmlReportData, charts: new Map(), trendCharts: [], updates: 0 };
window.testbedReport = state;
const drawn = new Map<string, string>();

/** Changes whenever anything the scenario's section shows changes; unchanged sections are not redrawn. */
const signature = (s: ScenarioReport) => JSON.stringify(s.attempts.map((a) => [a.verdict, a.timeline.length, a.checks.length, a.live ?? null, a.diagnostics ? 1 : 0]));

function drawCharts(section: HTMLElement, s: ScenarioReport): void {
  for (const el of section.querySelectorAll<HTMLElement>('.timeline')) {
    const key = el.dataset.attempt!;
    const attempt = s.attempts.find((a) => `${s.scenario}#${a.attempt}` === key);
    if (!attempt) continue;
    const model = timelineModel(attempt);
    el.style.height = `${timelineHeight(model)}px`;
    state.charts.get(key)?.dispose();
    const chart = init(el, undefined, { renderer: 'canvas' });
    chart.setOption(timelineOption(model));
    state.charts.set(key, chart);
  }
}

function drawScenarios(report: RunReport): void {
  const container = document.getElementById('scenarios')!;
  for (const s of report.scenarios) {
    const id = scenarioAnchor(s.scenario);
    let section = document.getElementById(id);
    if (!section) {
      section = document.createElement('div');
      section.id = id;
      container.append(section);
    }
    const sig = signature(s);
    if (drawn.get(id) === sig) continue;
    drawn.set(id, sig);
    section.innerHTML = scenarioView(s);
    drawCharts(section, s);
  }
}

function drawTrend(data: HtmlReportData): void {
  const trend = data.trend;
  if (!trend) return;
  const el = document.getElementById('trend')!;
  el.innerHTML = trendView(trend);
  for (const chartEl of el.querySelectorAll<HTMLElement>('.trend-chart')) {
    const chart = init(chartEl, undefined, { renderer: 'canvas' });
    chart.setOption(trendOption(trend, trend.scenarios[Number(chartEl.dataset.trend)]!));
    state.trendCharts.push(chart);
  }
}

function draw(): void {
  document.getElementById('summary')!.innerHTML = runSummaryView(state.data.report);
  drawScenarios(state.data.report);
}

function follow(eventsPath: string): void {
  const banner = document.getElementById('live')!;
  banner.hidden = false;
  banner.textContent = 'live: following the run';
  const source = new EventSource(eventsPath);
  source.addEventListener('report', (e) => {
    state.data = { ...state.data, report: JSON.parse((e as MessageEvent<string>).data) as RunReport };
    state.updates++;
    draw();
  });
  source.addEventListener('end', () => {
    banner.textContent = `live: the run ended (${state.data.report.verdict}); this page no longer updates`;
    banner.classList.add('ended');
    source.close();
  });
}

draw();
drawTrend(state.data);
// When everything is on screen: what `npm run bench -- report` times.
performance.mark('testbed-drawn');
if (state.data.live) follow(state.data.live.eventsPath);
addEventListener('resize', () => {
  for (const c of [...state.charts.values(), ...state.trendCharts]) c.resize();
});
