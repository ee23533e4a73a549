import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Lists `address` for the cluster's Prometheus (file_sd, in `ClusterInfo.scrapeTargetsDir`) under
 * `job`. Written whole and renamed in, since Prometheus reads the file as soon as it appears.
 * Returns the file, and what withdraws it.
 */
export async function registerScrapeTarget(scrapeTargetsDir: string, file: string, job: string, address: string): Promise<{ file: string; withdraw: () => Promise<void> }> {
  const path = join(scrapeTargetsDir, `${file}.json`);
  await writeFile(`${path}.tmp`, JSON.stringify([{ targets: [address], labels: { job } }]));
  await rename(`${path}.tmp`, path);
  return { file: path, withdraw: () => rm(path, { force: true }) };
}
