import { resolve } from 'node:path';
import { provisionBinaries } from '../clusters/components/index.ts';
import { clusterHealth, type ClusterInfo } from '../clusters/embedded/index.ts';
import { OWNER_ENV } from '../clusters/process/index.ts';
import { LoadInputError, LoadMetrics, checkLoopback, getWithHost, stagesOf, parseDuration, runLoad, type LoadProfile, type LoadSummary, type LoadTarget } from '../load/index.ts';
import { TerminalProgress } from '../reports/index.ts';
import { MetricsEndpoint } from '../harness/metrics-endpoint.ts';
import { onInterrupt } from './interrupts.ts';
import { UsageError, parseCommandArgs } from './usage-error.ts';

export const DEMO_HOST = 'demo.example.com';

export const loadUsage = `usage: testbed load [options]   (npm run load -- [options])
  drives a running embedded cluster's ingress gateway with vegeta; stops by itself
  --rps N               requests per second (default 200; a ramp's final rate)
  --duration D          e.g. 30s, 2m (default 30s)
  --profile P           steady (default) or ramp
  --from-rps N          a ramp's first rate (default 10% of --rps)
  --steps N             a ramp's constant-rate steps (default 5)
  --host H              Host header the Gateway serves (default ${DEMO_HOST}, see demo-app/kubernetes.yaml)
  --path P              request path (default /)
  --url URL             a 127.x URL to load instead of the gateway (no Host header unless --host)
  --max-failure-ratio R threshold: exit 1 if failed/total exceeds R (e.g. 0.01)
  --max-p99 MS          threshold: exit 1 if p99 latency exceeds MS
  --out DIR             raw results (vegeta CSV) go here (default ./out/load)
  --name CLUSTER        embedded cluster name (default "default")
  --verbose             show the commands being run`;

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag} expects a number, got "${text}"`);
  return n;
}

export function formatSummary(s: LoadSummary): string {
  const lat = s.latencyMs;
  const failures = Object.entries(s.failuresByStatus).map(([code, n]) => `${code === '0' ? 'transport error' : code} ×${n}`).join(', ');
  return [
    `load ${s.name}: ${s.requests} requests at ${s.achievedRps.toFixed(1)}/s to ${s.target.url}${s.target.host ? ` (Host ${s.target.host})` : ''}`,
    `  failed: ${s.failures}${failures ? ` (${failures})` : ''}${s.errors.length ? `; errors: ${s.errors.slice(0, 3).join('; ')}` : ''}`,
    `  latency ms: p50 ${lat.p50.toFixed(2)}  p90 ${lat.p90.toFixed(2)}  p95 ${lat.p95.toFixed(2)}  p99 ${lat.p99.toFixed(2)}  max ${lat.max.toFixed(2)}`,
    ...s.thresholds.map((t) => `  threshold ${t.name} <= ${t.limit}: ${t.ok ? 'ok' : 'CROSSED'} (observed ${t.observed.toFixed(4)})`),
    `  raw results: ${s.resultsFiles.join(', ')}`,
  ].join('\n');
}

export async function loadCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs({
    args: argv,
    options: {
      rps: { type: 'string', default: '200' },
      duration: { type: 'string', default: '30s' },
      profile: { type: 'string', default: 'steady' },
      'from-rps': { type: 'string' },
      steps: { type: 'string', default: '5' },
      host: { type: 'string' },
      path: { type: 'string', default: '/' },
      url: { type: 'string' },
      'max-failure-ratio': { type: 'string' },
      'max-p99': { type: 'string' },
      out: { type: 'string', default: 'out/load' },
      name: { type: 'string', default: 'default' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const rps = number('rps', values.rps)!;
  let seconds: number;
  try {
    seconds = parseDuration(values.duration);
  } catch (err) {
    throw new UsageError(`--duration: ${(err as Error).message}`);
  }
  const profile: LoadProfile = values.profile === 'steady'
    ? { kind: 'steady', rps, seconds }
    : values.profile === 'ramp'
      ? { kind: 'ramp', fromRps: number('from-rps', values['from-rps']) ?? Math.max(1, Math.round(rps / 10)), toRps: rps, seconds, steps: number('steps', values.steps)! }
      : (() => { throw new UsageError(`--profile must be steady or ramp, not "${values.profile}"`); })();
  const maxFailureRatio = number('max-failure-ratio', values['max-failure-ratio']);
  const maxP99Ms = number('max-p99', values['max-p99']);

  try {
    stagesOf(profile);
    if (values.url) checkLoopback({ url: values.url });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }

  const health = await clusterHealth(values.name);
  if (health.state !== 'running') {
    process.stderr.write(`error: no running cluster "${values.name}" (${health.state}); start one with \`npm run cluster -- up\`\n`);
    return 2;
  }
  const info: ClusterInfo = health.info;
  const path = values.path.startsWith('/') ? values.path : `/${values.path}`;
  const target: LoadTarget = values.url
    ? { url: values.url, ...(values.host ? { host: values.host } : {}) }
    : { url: `${info.gatewayUrl}${path}`, host: values.host ?? DEMO_HOST };

  const progress = new TerminalProgress(process.stderr, values.verbose);
  const { vegeta } = await provisionBinaries(['vegeta'], { progress });
  try {
    // One request first, so a missing route is one clear error rather than thousands of 404s.
    const first = await getWithHost(target.url, target.host);
    if (first.status === 404 && first.flags === 'NR') {
      process.stderr.write(`error: the gateway has no route for Host ${target.host}; deploy one first, e.g. \`kubectl apply -f demo-app/kubernetes.yaml\`\n`);
      return 2;
    }
  } catch (err) {
    process.stderr.write(`error: ${target.url} does not answer: ${(err as Error).message}\n`);
    return 2;
  }

  const metrics = new LoadMetrics();
  const endpoint = await MetricsEndpoint.start(metrics.registry, info.scrapeTargetsDir, 'testbed-load');
  const abort = new AbortController();
  const unregister = onInterrupt(async () => {
    abort.abort();
    await endpoint.stop({ finalScrape: false });
  });
  const name = `load-${process.pid}`;
  const task = progress.begin(`load ${profile.kind} ${rps} rps for ${seconds} s`);
  try {
    const summary = await runLoad({
      vegeta: vegeta!.path,
      name,
      target,
      profile,
      thresholds: { ...(maxFailureRatio !== undefined ? { maxFailureRatio } : {}), ...(maxP99Ms !== undefined ? { maxP99Ms } : {}) },
      workDir: resolve(values.out),
      env: { [OWNER_ENV]: info.stateDir },
      signal: abort.signal,
      onCommand: (cmd) => progress.command(cmd),
      onResult: (r) => metrics.observe(name, r),
      onProgress: (p) => task.update(`stage ${p.stage}/${p.stages} at ${p.targetRps}/s: ${p.requests} sent, ${p.failures} failed`),
    });
    task.end('done');
    await endpoint.stop();
    process.stdout.write(`${formatSummary(summary)}\n  in Prometheus: testbed_load_requests_total{load="${name}"} at ${info.prometheusUrl}\n`);
    return summary.thresholds.every((t) => t.ok) ? 0 : 1;
  } catch (err) {
    task.end('failed', (err as Error).message);
    await endpoint.stop({ finalScrape: false });
    if (err instanceof LoadInputError) throw new UsageError(err.message);
    throw err;
  } finally {
    unregister();
  }
}
