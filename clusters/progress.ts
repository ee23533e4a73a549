/** Where long operations report progress. The clusters layer never prints; the CLI renders this. */
export interface Progress {
  /** A long operation has begun; the returned task shows elapsed time until it ends. */
  begin(label: string): ProgressTask;
  /** A command about to run; shown with --verbose. */
  command(argv: readonly string[]): void;
}

export interface ProgressTask {
  /** A short detail shown beside the label, e.g. "412 packages compiled". */
  update(detail: string): void;
  end(outcome: 'done' | 'failed', detail?: string): void;
}

export const silentProgress: Progress = {
  begin: () => ({ update: () => {}, end: () => {} }),
  command: () => {},
};
