import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reporter } from '../harness/events.ts';
import type { RunReportBuilder } from './run-report.ts';

/** Writes DIR/report.json from the run's report model. */
export class JsonReporter implements Reporter {
  constructor(
    private readonly builder: RunReportBuilder,
    readonly dir: string,
  ) {}

  async finish(): Promise<void> {
    if (!this.builder.report) return;
    await mkdir(this.dir, { recursive: true });
    await writeFile(join(this.dir, 'report.json'), `${JSON.stringify(this.builder.report, null, 2)}\n`);
  }
}
