import { parseArgs, type ParseArgsConfig } from 'node:util';

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

/** node:util's parseArgs (strict by default), with its errors turned into usage errors (exit 2). */
export function parseCommandArgs<const T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
