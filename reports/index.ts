export { RunReportBuilder, aggregateVerdict, type RunReport, type ScenarioReport, type AttemptReport } from './run-report.ts';
export { JsonReporter } from './json-report.ts';
export { JunitReporter, renderJunit } from './junit-report.ts';
export { TerminalReporter } from './terminal-reporter.ts';
export { TerminalProgress } from './terminal-progress.ts';
