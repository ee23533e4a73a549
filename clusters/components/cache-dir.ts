import { homedir } from 'node:os';
import { join } from 'node:path';

/** `${XDG_CACHE_HOME:-~/.cache}/delivery-testbed`: component binaries keyed by version, outside the repo. */
export function cacheRoot(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'delivery-testbed');
}

/** Folder holding one provisioned component version: `bin/` and `provenance.json`. */
export const componentDir = (component: string, version: string) => join(cacheRoot(), component, version);
