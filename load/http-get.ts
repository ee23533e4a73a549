import { request } from 'node:http';

/** One GET, with the Host a Gateway serves (fetch cannot set Host): status, mesh response flag, body. */
export function getWithHost(url: string, host: string | undefined, timeoutMs = 5000): Promise<{ status: number; flags: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: host ? { host } : {}, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, flags: String(res.headers['x-testbed-response-flags'] ?? ''), body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}
