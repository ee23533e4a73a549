import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/** A module version as a proxy serves it: its go.mod and the rest of its files. */
export interface ProxiedModule {
  readonly path: string;
  readonly version: string;
  readonly files: Readonly<Record<string, string>>;
}

/**
 * Lays `modules` out as a `GOPROXY=file://…` folder (`<path>/@v/list`, `.info`, `.mod`, `.zip`),
 * so a test can fetch and build through the Go module proxy protocol offline.
 */
export async function writeFileModuleProxy(dir: string, modules: readonly ProxiedModule[]): Promise<string> {
  for (const m of modules) {
    const at = join(dir, m.path, '@v');
    await mkdir(at, { recursive: true });
    await writeFile(join(at, 'list'), `${modules.filter((o) => o.path === m.path).map((o) => o.version).join('\n')}\n`);
    await writeFile(join(at, `${m.version}.info`), JSON.stringify({ Version: m.version, Time: '2026-01-01T00:00:00Z' }));
    await writeFile(join(at, `${m.version}.mod`), m.files['go.mod'] ?? `module ${m.path}\n`);
    await writeFile(join(at, `${m.version}.zip`), storedZip(Object.entries(m.files).map(([name, text]) => [`${m.path}@${m.version}/${name}`, Buffer.from(text)])));
  }
  return `file://${dir}`;
}

/** Little-endian fields of 2 or 4 bytes, in order. */
function fields(...values: ReadonlyArray<readonly [2 | 4, number]>): Buffer {
  return Buffer.concat(values.map(([size, value]) => {
    const b = Buffer.alloc(size);
    if (size === 2) b.writeUInt16LE(value);
    else b.writeUInt32LE(value);
    return b;
  }));
}

/** A zip archive of uncompressed entries: all a module zip needs. */
function storedZip(entries: ReadonlyArray<readonly [string, Buffer]>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const fileName = Buffer.from(name);
    const sizes = [[4, crc32(data)], [4, data.length], [4, data.length], [2, fileName.length]] as const;
    // version needed, flags, method (stored), time, date; then the CRC, sizes and name length; no extra field.
    const local = fields([4, 0x04034b50], [2, 20], [2, 0], [2, 0], [2, 0], [2, 0], ...sizes, [2, 0]);
    // version made by, then as the local header; no extra, comment, disk, attributes; the local header's offset.
    const central = fields([4, 0x02014b50], [2, 20], [2, 20], [2, 0], [2, 0], [2, 0], [2, 0], ...sizes, [2, 0], [2, 0], [2, 0], [2, 0], [4, 0], [4, offset]);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = fields([4, 0x06054b50], [2, 0], [2, 0], [2, entries.length], [2, entries.length], [4, directory.length], [4, offset], [2, 0]);
  return Buffer.concat([...locals, directory, end]);
}
