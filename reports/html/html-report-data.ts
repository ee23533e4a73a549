import type { RunReport } from '../run-report.ts';
import type { Trend } from '../trend.ts';

/** Everything report.html draws, inlined into the page as JSON. */
export interface HtmlReportData {
  /** The run shown in full: the newest, when several are given. */
  readonly report: RunReport;
  /** Several saved runs of the same scenarios, oldest first (`testbed report A.json B.json…`). */
  readonly trend?: Trend;
  /** The live view: the page subscribes here (server-sent events) and redraws on each update. */
  readonly live?: { readonly eventsPath: string };
}
