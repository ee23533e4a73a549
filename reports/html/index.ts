export { renderHtml } from './html-report.ts';
export type { HtmlReportData } from './html-report-data.ts';
export { scenarioAnchor } from './page/html-text.ts';
