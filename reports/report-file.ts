import { readFile } from 'node:fs/promises';
import type { Proof } from '../harness/check-proofs.ts';
import type { TimelineEntry } from '../harness/events.ts';
import type { HoldMode } from '../harness/holds.ts';
import type { CheckStatus, Verdict } from '../harness/results.ts';
import { describeJsonSyntaxError } from './json-syntax-error.ts';
import { array, boolean, isTrue, json, keyedBy, literal, number, object, oneOf, optional, record, string, tagged, time, type Shape } from './json-shape.ts';
import type { RunReport } from './run-report.ts';

/** A saved report.json that cannot be read, is not JSON, or is not a delivery-testbed report. */
export class ReportFileError extends Error {
  override name = 'ReportFileError';
}

const verdict = oneOf<Verdict>({ pass: true, fail: true, error: true });
const checkStatus = oneOf<CheckStatus>({ pass: true, fail: true, skipped: true });

const checkResult = object({
  name: string,
  status: checkStatus,
  expected: json,
  observed: json,
  reason: string,
  at: string,
  variant: optional(string),
  chain: optional(array(string)),
  proof: optional(
    keyedBy({
      provenBy: object({ provenBy: array(object({ sabotage: string, kind: oneOf<Proof['kind']>({ misconfiguration: true, harness: true }), seenIn: optional(string) })) }),
      cannotFail: object({ cannotFail: string }),
      unproven: object({ unproven: isTrue }),
    }),
  ),
});

const timelineEntry = object({
  at: string,
  kind: oneOf<TimelineEntry['kind']>({ 'step-begin': true, 'step-end': true, 'kube-event': true, check: true, note: true, sample: true, threshold: true }),
  message: string,
  data: optional(record(json)),
});

const diagnostics = object({
  collectedAt: time,
  events: array(object({ at: string, type: string, reason: string, object: string, message: string, count: number })),
  logs: array(object({ name: string, source: string, lines: array(string) })),
  objects: array(object({ kind: string, name: string, state: json })),
  problems: array(string),
});

const attemptReport = object({
  attempt: number,
  namespace: string,
  startedAt: optional(time),
  holds: optional(record(oneOf<HoldMode>({ shared: true, exclusive: true }))),
  waited: optional(object({ ms: number, reason: string })),
  tunables: record(json),
  // A saved report is written after every attempt ended, so none is still "running".
  verdict,
  decidedBy: optional(tagged('kind', { checks: object({}), check: object({ name: string }), step: object({ name: string, error: string }) })),
  durationMs: number,
  steps: array(object({ name: string, ok: boolean, durationMs: number, error: optional(string) })),
  checks: array(checkResult),
  matrix: optional(object({ variants: array(string), rows: array(object({ check: string, results: record(checkStatus) })) })),
  timeline: array(timelineEntry),
  metrics: record(number),
  live: optional(object({ steps: array(string), waitingFor: optional(string), pausedBefore: optional(string) })),
  diagnostics: optional(diagnostics),
});

const scenarioReport = object({
  scenario: string,
  combination: optional(record(string)),
  verdict,
  passRate: number,
  flaky: boolean,
  checks: array(checkResult),
  attempts: array(attemptReport),
});

const runReport: Shape<RunReport> = object({
  schemaVersion: literal(1),
  provider: string,
  versions: record(string),
  verdict,
  startedAt: time,
  durationMs: number,
  workers: optional(number),
  matrix: optional(record(array(string))),
  environment: object({ node: string, os: string, cpus: number, host: string }),
  scenarios: array(scenarioReport),
});

/** Reads a report.json a run saved (a CI artifact, say), and checks that it is one, whole. */
export async function readRunReport(path: string): Promise<RunReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    // Node's message ends ", open '<path>'", which the error names already.
    throw new ReportFileError(`${path}: cannot read: ${(err as Error).message.replace(/, \w+ '.*'$/s, '')}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ReportFileError(`${path}: not JSON: ${describeJsonSyntaxError(text, err as SyntaxError)}`);
  }
  const problem = runReport.check(value, '');
  if (problem) throw new ReportFileError(`${path}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`);
  return value as RunReport;
}
