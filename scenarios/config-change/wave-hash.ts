import { createHash } from 'node:crypto';

/** A ConfigMap or Secret as the API returns it: `binaryData` and Secret `data` are standard base64. */
export type WaveObject =
  | {
      readonly kind: 'ConfigMap';
      readonly name: string;
      readonly namespace?: string;
      readonly data?: Readonly<Record<string, string>>;
      readonly binaryData?: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'Secret'; readonly name: string; readonly namespace?: string; readonly data?: Readonly<Record<string, string>> };

/** One reference from the workload: a whole object (envFrom, volume, extra-* annotation) or only `keys` (valueFrom, items). */
export interface WaveReference {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  readonly namespace?: string;
  readonly allKeys: boolean;
  readonly keys?: readonly string[];
}

/**
 * Wave's `wave.pusher.com/config-hash`: `calculateConfigHash` with `addConfigMapData` and
 * `addSecretData` in pkg/core/hash.go of Wave v0.11.0.
 */
export function waveConfigHash(objects: readonly WaveObject[], references: readonly WaveReference[]): string {
  const hashed = { ConfigMap: new Map<string, Map<string, Buffer>>(), Secret: new Map<string, Map<string, Buffer>>() };
  for (const ref of references) {
    const obj = objects.find((o) => o.kind === ref.kind && o.name === ref.name && (o.namespace ?? '') === (ref.namespace ?? ''));
    if (!obj) continue;
    // Keyed by name alone, as upstream: references to one name (even across namespaces) merge.
    const entry = hashed[ref.kind].get(ref.name) ?? new Map<string, Buffer>();
    hashed[ref.kind].set(ref.name, entry);
    const wanted = (key: string) => ref.allKeys || (ref.keys ?? []).includes(key);
    for (const [key, value] of Object.entries(obj.data ?? {})) {
      if (wanted(key)) entry.set(key, obj.kind === 'Secret' ? decodeStdBase64(value, `Secret ${obj.name} data.${key}`) : Buffer.from(value));
    }
    if (obj.kind === 'ConfigMap') {
      // binaryData is added after data, so it wins a key both hold.
      for (const [key, value] of Object.entries(obj.binaryData ?? {})) {
        if (wanted(key)) entry.set(key, decodeStdBase64(value, `ConfigMap ${obj.name} binaryData.${key}`));
      }
    }
  }
  const encode = (configs: Map<string, Map<string, Buffer>>) =>
    goJsonObject([...configs].map(([name, data]) => [name, goJsonObject([...data].map(([k, v]) => [k, goJsonString(v.toString('base64'))]))]));
  const source = `{"configMaps":${encode(hashed.ConfigMap)},"secrets":${encode(hashed.Secret)}}`;
  return createHash('sha256').update(source).digest('hex');
}

const GO_EXTRA_ESCAPES: Readonly<Record<string, string>> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/**
 * A string as Go's `json.Marshal` writes it (encoding/json encode.go, Go ≥ 1.22): JSON.stringify's
 * escapes plus the HTML-safe ones. The input must be well-formed UTF-16, as anything read from the API is.
 */
export function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => GO_EXTRA_ESCAPES[c] ?? c);
}

/** A `map[string]T` as Go's `json.Marshal` writes it: keys sorted by their UTF-8 bytes; values already encoded. */
export function goJsonObject(entries: Iterable<readonly [string, string]>): string {
  const sorted = [...entries].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `{${sorted.map(([k, v]) => `${goJsonString(k)}:${v}`).join(',')}}`;
}

/** Strict standard base64, as the API server writes `[]byte`; Node's own decoder would silently skip bad characters. */
export function decodeStdBase64(value: string, what: string): Buffer {
  if (value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    throw new Error(`${what} is not standard base64: ${JSON.stringify(value)}`);
  }
  return Buffer.from(value, 'base64');
}
