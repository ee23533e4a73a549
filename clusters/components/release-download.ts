import { createHash } from 'node:crypto';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { x as extractTar } from 'tar';
import type { Progress } from '../progress.ts';
import type { ReleaseArtifact } from './catalog.ts';

/** A whole release file, at a slow mirror's pace. */
const DOWNLOAD_TIMEOUT_MS = 300_000;

async function fetchBytes(url: string, progress: Progress, label: string): Promise<Buffer> {
  const task = progress.begin(label);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    if (!response.ok || !response.body) throw new Error(`GET ${url}: HTTP ${response.status}`);
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of response.body) {
      chunks.push(Buffer.from(chunk));
      received += chunk.length;
      task.update(`${(received / 1e6).toFixed(1)} MB`);
    }
    task.end('done');
    return Buffer.concat(chunks);
  } catch (err) {
    const cause = (err as Error).cause as Error | undefined;
    const reason = cause?.message ? `${(err as Error).message}: ${cause.message}` : (err as Error).message;
    task.end('failed', reason);
    throw new Error(`download of ${url} failed: ${reason}`, { cause: err });
  }
}

/** The sha256 a checksum file gives for `entry` (or its only hash when `entry` is absent). */
export function expectedSha256(checksumFile: string, entry?: string): string {
  for (const line of checksumFile.trim().split('\n')) {
    const [hash, name] = line.trim().split(/\s+/);
    if (hash && /^[0-9a-f]{64}$/i.test(hash) && (entry === undefined || name?.replace(/^\*/, '') === entry)) {
      return hash.toLowerCase();
    }
  }
  throw new Error(`checksum file has no sha256${entry ? ` for ${entry}` : ''}`);
}

/**
 * Downloads one official release file, verifies its sha256 against the published checksum,
 * and writes the binary to `destination` (executable). Nothing is written when verification fails.
 */
export async function downloadRelease(
  artifact: ReleaseArtifact,
  destination: string,
  progress: Progress,
): Promise<void> {
  const checksums = (await fetchBytes(artifact.checksumUrl, progress, `checksum ${artifact.checksumUrl}`)).toString('utf8');
  const expected = expectedSha256(checksums, artifact.checksumEntry);
  const body = await fetchBytes(artifact.url, progress, `download ${artifact.url}`);
  const actual = createHash('sha256').update(body).digest('hex');
  if (actual !== expected) {
    throw new Error(`checksum mismatch for ${artifact.url}: expected sha256 ${expected}, got ${actual}`);
  }
  await mkdir(dirname(destination), { recursive: true });
  if (!artifact.archiveMember) {
    await writeFile(destination, body, { mode: 0o755 });
    return;
  }
  const member = artifact.archiveMember;
  const extractDir = join(dirname(destination), '.extract');
  await mkdir(extractDir, { recursive: true });
  const archive = join(extractDir, 'release.tar.gz');
  await writeFile(archive, body);
  await extractTar({ file: archive, cwd: extractDir, filter: (path) => path === member });
  await rename(join(extractDir, member), destination).catch((err) => {
    throw new Error(`${artifact.url} has no ${member}`, { cause: err });
  });
  await chmod(destination, 0o755);
  await rm(extractDir, { recursive: true, force: true });
}
