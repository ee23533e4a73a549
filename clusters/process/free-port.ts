import { createServer } from 'node:net';
import { mkdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

/** How long a handed-out port stays reserved against other runs that have not bound it yet. */
const RESERVATION_MS = 120_000;
const reservationDir = join(tmpdir(), 'delivery-testbed-ports');

function bindEphemeral(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function reserve(port: number): Promise<boolean> {
  await mkdir(reservationDir, { recursive: true });
  const file = join(reservationDir, String(port));
  try {
    await (await open(file, 'wx')).close();
    return true;
  } catch {
    const { mtimeMs } = await stat(file);
    if (Date.now() - mtimeMs < RESERVATION_MS) return false;
    await (await open(file, 'w')).close();
    return true;
  }
}

/**
 * A port that is free on `host` now and reserved (through a file in the temp folder) against
 * concurrent runs that pick ports the same way, as controller-runtime's addr manager does.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await bindEphemeral(host);
    if (await reserve(port)) return port;
  }
  throw new Error(`could not find a free port on ${host} after 50 attempts`);
}
