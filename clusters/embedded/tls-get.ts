import { request } from 'node:https';

export interface TlsClient {
  readonly caPem: string;
  readonly certPem?: string;
  readonly keyPem?: string;
}

/** GET over TLS against our own CA; resolves with the status code and body. */
export function tlsGet(url: string, tls: TlsClient, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { ca: tls.caPem, ...(tls.certPem ? { cert: tls.certPem, key: tls.keyPem } : {}), timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** A health check that passes when `url` answers 200. */
export const answersOk = (url: string, tls: TlsClient) => async () => (await tlsGet(url, tls)).status === 200;
