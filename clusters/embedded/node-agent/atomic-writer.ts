import { lstat, mkdir, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Relative path → content and file mode. */
export type Payload = ReadonlyMap<string, { readonly data: Buffer; readonly mode: number }>;

const DATA_LINK = '..data';

function samePayload(a: Payload, b: Payload): boolean {
  if (a.size !== b.size) return false;
  for (const [path, file] of a) {
    const other = b.get(path);
    if (!other || other.mode !== file.mode || !other.data.equals(file.data)) return false;
  }
  return true;
}

/**
 * Writes a volume's files the way kubelet's AtomicWriter does: each version in a fresh
 * timestamped folder, `..data` swapped to it with one rename, and user-visible paths as links
 * through `..data`. A reader never sees a half-written set of files.
 */
export class AtomicWriter {
  #current: Payload | undefined;

  constructor(readonly targetDir: string) {}

  /** Returns true when the payload differed and was written. */
  async write(payload: Payload): Promise<boolean> {
    if (this.#current && samePayload(this.#current, payload)) return false;
    await mkdir(this.targetDir, { recursive: true });
    const version = `..${new Date().toISOString().replace(/[:.]/g, '_')}.${process.hrtime.bigint()}`;
    const versionDir = join(this.targetDir, version);
    for (const [path, file] of payload) {
      await mkdir(dirname(join(versionDir, path)), { recursive: true });
      await writeFile(join(versionDir, path), file.data, { mode: file.mode });
    }
    const previous = await readlink(join(this.targetDir, DATA_LINK)).catch(() => undefined);
    const tmpLink = join(this.targetDir, `..data_tmp`);
    await rm(tmpLink, { force: true });
    await symlink(version, tmpLink);
    await rename(tmpLink, join(this.targetDir, DATA_LINK));
    const topLevel = new Set([...payload.keys()].map((p) => p.split('/')[0]!));
    for (const name of topLevel) {
      const link = join(this.targetDir, name);
      const existing = await lstat(link).catch(() => undefined);
      if (!existing) await symlink(join(DATA_LINK, name), link);
    }
    for (const entry of await readdir(this.targetDir)) {
      if (!entry.startsWith('..') && !topLevel.has(entry)) await rm(join(this.targetDir, entry), { force: true, recursive: true });
    }
    if (previous && previous !== version) await rm(join(this.targetDir, previous), { recursive: true, force: true });
    this.#current = payload;
    return true;
  }
}
