import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const entry = fileURLToPath(new URL('./page/report-page.ts', import.meta.url));
const echartsVersion = (createRequire(import.meta.url)('echarts/package.json') as { version: string }).version;
let bundled: Promise<string> | undefined;

/**
 * The page's script with ECharts tree-shaken into it, built once per process: report.html
 * inlines it, so the file opens anywhere without a network.
 */
export function pageScript(): Promise<string> {
  bundled ??= build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    // The browser platform's default escapes `</script` in strings, so the bundle can be inlined as is.
    platform: 'browser',
    target: 'es2020',
    minify: true,
    // Apache-2.0 asks that the notice travel with the code.
    banner: { js: `/*! Apache ECharts ${echartsVersion} | Apache-2.0 | https://echarts.apache.org */` },
    legalComments: 'none',
    logLevel: 'error',
  }).then((result) => result.outputFiles[0]!.text);
  return bundled;
}
