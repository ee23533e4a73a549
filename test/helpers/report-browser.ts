import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium: Playwright's own browser download cannot work on the CI machines. */
const CHROMIUM = '/usr/bin/chromium';

export interface ReportPage {
  readonly page: Page;
  /** console.error calls and uncaught exceptions, in order. */
  readonly errors: string[];
  /** Every request the page made, the document itself included. */
  readonly requests: string[];
  /** Main-frame navigations: 1 unless the page reloaded. */
  readonly navigations: () => number;
  close(): Promise<void>;
}

let browser: Promise<Browser> | undefined;

/** One headless Chromium per test process, quiet on the network: the report must not need it. */
function launch(): Promise<Browser> {
  browser ??= chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-default-apps'],
  });
  return browser;
}

export async function closeBrowser(): Promise<void> {
  if (browser) await (await browser).close();
  browser = undefined;
}

export async function openReport(url: string, viewport = { width: 1400, height: 1000 }): Promise<ReportPage> {
  const context = await (await launch()).newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  let navigations = 0;
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  page.on('framenavigated', (f) => f === page.mainFrame() && navigations++);
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors, requests, navigations: () => navigations, close: () => context.close() };
}
