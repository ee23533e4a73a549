/// <reference lib="dom" />
import { init, use, type ECharts } from 'echarts/core';
import { CustomChart, LineChart, ScatterChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { RunReport, ScenarioReport } from '../../run-report.ts';
import { sweepsOf } from '../../sweep.ts';
import type { HtmlReportData } from '../html-report-data.ts';
import { attemptKey, isRunning, runOverview, sectionAnchors, type RunOverview, type Span } from '../run-overview.ts';
import { timelineModel } from '../timeline-model.ts';
import { overviewHeight, overviewOption } from './overview-chart.ts';
import { runningNowView, runSummaryView, scenarioView } from './run-view.ts';
import { sweepsView } from './sweep-view.ts';
import { timelineHeight, timelineOption } from './timeline-chart.ts';
import { trendOption, trendView } from './trend-view.ts';

use([LineChart, ScatterChart, CustomChart, GridComponent, TooltipComponent, DataZoomComponent, MarkAreaComponent, MarkLineComponent, LegendComponent, TitleComponent, CanvasRenderer]);

/** What the page keeps, on `window.testbedReport` for the console (and the browser tests). */
interface PageState {
  data: HtmlReportData;
  /** Each attempt's chart, by "scenario#attempt" (`bad-canary [errorRate=0.1]#1` for a `--matrix` combination). */
  readonly charts: Map<string, ECharts>;
  /** The run overview: a bar per attempt on the run's time axis. */
  overview: ECharts | undefined;
  readonly trendCharts: ECharts[];
  /** Live updates drawn so far. */
  updates: number;
}

declare global {
  interface Window {
    testbedReport: PageState;
  }
}

const state: PageState = { data: JSON.parse(document.getElementById('testbed-data')!.textContent!) as HtmlReportData, charts: new Map(), overview: undefined, trendCharts: [], updates: 0 };
window.testbedReport = state;
/** Each section's signature as drawn, by its id. */
const drawn = new Map<string, string>();
/** The axis each attempt chart on the run's axis shows, by its key: a live run's axis grows, and they follow. */
const axes = new Map<string, string>();
const axisId = (axis: Span) => `${axis.from}-${axis.to}`;

/** Changes whenever anything the scenario's section shows changes; unchanged sections are not redrawn. */
const signature = (s: ScenarioReport) => JSON.stringify(s.attempts.map((a) => [a.verdict, a.timeline.length, a.checks.length, a.live ?? null, a.diagnostics ? 1 : 0]));

/** Draws the section's attempt charts: on the run's axis, or each on its own span in reports saved before attempts had a start. */
function drawCharts(section: HTMLElement, s: ScenarioReport, axis: Span): void {
  for (const el of section.querySelectorAll<HTMLElement>('.timeline')) {
    const key = el.dataset.attempt!;
    const attempt = s.attempts.find((a) => attemptKey(s, a) === key);
    if (!attempt) continue;
    const model = timelineModel(attempt, attempt.startedAt ? axis : undefined);
    el.style.height = `${timelineHeight(model)}px`;
    state.charts.get(key)?.dispose();
    const chart = init(el, undefined, { renderer: 'canvas' });
    chart.setOption(timelineOption(model));
    state.charts.set(key, chart);
    if (attempt.startedAt) axes.set(key, axisId(axis));
    else axes.delete(key);
  }
}

function drawScenarios(report: RunReport, anchors: readonly string[], axis: Span): void {
  const container = document.getElementById('scenarios')!;
  report.scenarios.forEach((s, i) => {
    const id = anchors[i]!;
    let section = document.getElementById(id);
    if (!section) {
      section = document.createElement('div');
      section.id = id;
      container.append(section);
    }
    const sig = signature(s);
    if (drawn.get(id) === sig) return;
    drawn.set(id, sig);
    section.innerHTML = scenarioView(s, id);
    drawCharts(section, s, axis);
  });
}

/** Moves the charts drawn on an older run axis to this one (a live run's axis grows in steps). */
function moveAxes(axis: Span): void {
  for (const [key, shown] of axes) {
    const chart = state.charts.get(key);
    if (!chart || shown === axisId(axis)) continue;
    const count = (chart.getOption().xAxis as unknown[]).length;
    chart.setOption({ xAxis: Array.from({ length: count }, () => ({ min: axis.from, max: axis.to })) });
    axes.set(key, axisId(axis));
  }
}

function drawOverview(overview: RunOverview, now: number | undefined): void {
  const section = document.getElementById('run-overview')!;
  section.hidden = !overview.bars.length;
  if (!overview.bars.length) return;
  const n = overview.bars.length;
  section.querySelector('h2')!.textContent = `attempts over time: ${n} attempt${n === 1 ? '' : 's'}, up to ${overview.mostAtOnce} at once`;
  const el = section.querySelector<HTMLElement>('.overview-chart')!;
  const height = `${overviewHeight(overview)}px`;
  const resized = el.style.height !== height;
  el.style.height = height;
  if (!state.overview) {
    state.overview = init(el, undefined, { renderer: 'canvas' });
    // A bar leads to its attempt's section.
    state.overview.on('click', (p) => {
      const anchor = (p.data as { anchor?: string } | undefined)?.anchor;
      if (anchor) location.hash = anchor;
    });
  } else if (resized) state.overview.resize();
  state.overview.setOption(overviewOption(overview, now), { notMerge: true });
}

/** What moves with the clock while attempts run: the list of those running now, the overview's bars, and the run's axis. */
function drawNow(report: RunReport, anchors: readonly string[], overview: RunOverview, now: number): void {
  const running = document.getElementById('running-now')!;
  running.innerHTML = runningNowView(report, anchors, now);
  running.hidden = !running.innerHTML;
  drawOverview(overview, isRunning(report) ? now : undefined);
  moveAxes(overview);
}

function drawSweeps(report: RunReport, anchors: readonly string[]): void {
  const el = document.getElementById('sweeps')!;
  el.innerHTML = sweepsView(sweepsOf(report), report, anchors);
  el.hidden = !el.innerHTML;
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
  const report = state.data.report;
  const now = Date.now();
  const anchors = sectionAnchors(report);
  const overview = runOverview(report, now);
  document.getElementById('summary')!.innerHTML = runSummaryView(report, anchors);
  drawSweeps(report, anchors);
  drawScenarios(report, anchors, overview);
  drawNow(report, anchors, overview, now);
}

/** Between updates, running attempts' bars grow and their elapsed times count on. */
function tick(): void {
  const report = state.data.report;
  if (!isRunning(report)) return;
  const now = Date.now();
  drawNow(report, sectionAnchors(report), runOverview(report, now), now);
}

function follow(eventsPath: string): void {
  const banner = document.getElementById('live')!;
  banner.hidden = false;
  banner.textContent = 'live: following the run';
  const source = new EventSource(eventsPath);
  const ticker = setInterval(tick, 1000);
  source.addEventListener('report', (e) => {
    state.data = { ...state.data, report: JSON.parse((e as MessageEvent<string>).data) as RunReport };
    state.updates++;
    draw();
  });
  source.addEventListener('end', () => {
    banner.textContent = `live: the run ended (${state.data.report.verdict}); this page no longer updates`;
    banner.classList.add('ended');
    source.close();
    clearInterval(ticker);
  });
}

draw();
drawTrend(state.data);
// When everything is on screen: what `npm run bench -- report` times.
performance.mark('testbed-drawn');
if (state.data.live) follow(state.data.live.eventsPath);
addEventListener('resize', () => {
  for (const c of [...state.charts.values(), ...state.trendCharts, ...(state.overview ? [state.overview] : [])]) c.resize();
});
