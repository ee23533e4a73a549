import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reporter } from '../harness/events.ts';
import type { RunReport, RunReportBuilder } from './run-report.ts';

/** Writes one file, rendered from the run's report model, once the run has ended. */
export class FileReporter implements Reporter {
  constructor(
    private readonly builder: RunReportBuilder,
    readonly path: string,
    private readonly render: (report: RunReport) => string | Promise<string>,
  ) {}

  async finish(): Promise<void> {
    if (!this.builder.report) return;
    await mkdir(join(this.path, '..'), { recursive: true });
    await writeFile(this.path, await this.render(this.builder.report));
  }
}

export const renderJson = (report: RunReport) => `${JSON.stringify(report, null, 2)}\n`;
