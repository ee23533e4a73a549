export { RunReportBuilder, aggregateVerdict, type RunReport, type ScenarioReport, type AttemptReport } from './run-report.ts';
export { FileReporter, renderJson } from './file-report.ts';
export { renderJunit } from './junit-report.ts';
export { TerminalReporter } from './terminal-reporter.ts';
export { TerminalProgress } from './terminal-progress.ts';
export { renderHtml, scenarioAnchor, type HtmlReportData } from './html/index.ts';
export { LiveReportServer } from './live-server.ts';
export { trendOf, type Trend, type TrendScenario } from './trend.ts';
export { readRunReport, ReportFileError } from './report-file.ts';
