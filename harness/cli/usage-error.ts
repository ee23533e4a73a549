/** Bad input on the command line: the CLI prints the message and usage, and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--bin kube-apiserver=/path` values → { 'kube-apiserver': '/path' }. */
export function parseBinaryOverrides(values: readonly string[] | undefined): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const value of values ?? []) {
    const eq = value.indexOf('=');
    if (eq <= 0 || eq === value.length - 1) throw new UsageError(`--bin expects NAME=PATH, got "${value}"`);
    overrides[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return overrides;
}
