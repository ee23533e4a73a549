import { readFile } from 'node:fs/promises';
import type { HtmlReportData } from './html-report-data.ts';
import { pageScript } from './page-bundle.ts';

const stylesheet = new URL('./page/report.css', import.meta.url);

/** JSON that cannot end the <script> element it sits in. */
const jsonInScript = (text: string) => text.replace(/</g, '\\u003c');

/**
 * report.html: one self-contained file. The page draws everything from the inlined data, so the
 * same file serves a finished run, a trend over saved runs, and the live view (which follows
 * `live.eventsPath` and nothing else).
 */
export async function renderHtml(data: HtmlReportData): Promise<string> {
  const [script, css] = await Promise.all([pageScript(), readFile(stylesheet, 'utf8')]);
  const connect = data.live ? "'self'" : "'none'";
  const title = `${data.report.verdict.toUpperCase()} · ${[...new Set(data.report.scenarios.map((s) => s.scenario))].join(', ')} · delivery-testbed`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src ${connect}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</title>
<style>${css}</style>
</head>
<body>
<div id="live" hidden></div>
<header id="summary"></header>
<section id="running-now" hidden></section>
<section id="run-overview" hidden><h2></h2><div class="overview-chart"></div></section>
<section id="sweeps" hidden></section>
<main id="scenarios"></main>
<section id="trend"></section>
<script id="testbed-data" type="application/json">${jsonInScript(JSON.stringify(data))}</script>
<script>${script}</script>
</body>
</html>
`;
}
