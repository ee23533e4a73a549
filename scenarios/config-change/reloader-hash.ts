import { createHash } from 'node:crypto';
import { decodeStdBase64 } from './wave-hash.ts';

/**
 * The hash Reloader writes for a ConfigMap: `GetSHAfromConfigmap` in internal/pkg/util/util.go of
 * Stakater Reloader v1.4.22. `binaryData` is base64, as in a manifest.
 */
export function reloaderConfigMapHash(cm: {
  readonly data?: Readonly<Record<string, string>>;
  readonly binaryData?: Readonly<Record<string, string>>;
}): string {
  const values = [
    ...Object.entries(cm.data ?? {}).map(([k, v]) => Buffer.from(`${k}=${v}`)),
    // Upstream re-encodes the decoded bytes, so only canonical base64 hashes the same as the manifest text.
    ...Object.entries(cm.binaryData ?? {}).map(([k, v]) => Buffer.from(`${k}=${decodeStdBase64(v, `binaryData.${k}`).toString('base64')}`)),
  ];
  return sha1OfSortedJoined(values);
}

/**
 * The hash Reloader writes for a Secret: `GetSHAfromSecret` in internal/pkg/util/util.go of
 * Stakater Reloader v1.4.22. `data` is base64, as a Secret's `.data` from the API.
 */
export function reloaderSecretHash(data: Readonly<Record<string, string>>): string {
  // Bytes, not strings: a Secret's value need not be UTF-8 and upstream hashes it raw.
  return sha1OfSortedJoined(Object.entries(data).map(([k, v]) => Buffer.concat([Buffer.from(`${k}=`), decodeStdBase64(v, `data.${k}`)])));
}

/** Go's sort.Strings compares bytes, which differs from JS's UTF-16 order beyond the BMP. */
function sha1OfSortedJoined(values: Buffer[]): string {
  const sorted = values.sort(Buffer.compare);
  const joined = Buffer.concat(sorted.flatMap((v, i) => (i === 0 ? [v] : [SEMICOLON, v])));
  return createHash('sha1').update(joined).digest('hex');
}

const SEMICOLON = Buffer.from(';');

/**
 * The container env var of Reloader's env-vars strategy: `getEnvVarName` in
 * internal/pkg/handler/upgrade.go, with `ConvertToEnvVarName` (internal/pkg/util/util.go) and
 * `EnvVarPrefix`, `ConfigmapEnvVarPostfix`, `SecretEnvVarPostfix` (internal/pkg/constants), Reloader v1.4.22.
 */
export function reloaderEnvVarName(name: string, kind: 'ConfigMap' | 'Secret'): string {
  return `STAKATER_${convertToEnvVarName(name)}_${kind === 'ConfigMap' ? 'CONFIGMAP' : 'SECRET'}`;
}

/** `ConvertToEnvVarName` in internal/pkg/util/util.go, Reloader v1.4.22. */
export function convertToEnvVarName(text: string): string {
  let out = '';
  let lastValid = false;
  for (const ch of text) {
    const upper = GO_UPPER_TO_ASCII[ch] ?? (ch >= 'a' && ch <= 'z' ? ch.toUpperCase() : ch);
    if (/^[A-Z0-9]$/.test(upper)) {
      out += upper;
      lastValid = true;
    } else {
      if (lastValid) out += '_';
      lastValid = false;
    }
  }
  return out;
}

// The only non-ASCII runes Go's strings.ToUpper maps into [A-Z0-9]; JS's toUpperCase differs (ß → SS).
const GO_UPPER_TO_ASCII: Readonly<Record<string, string>> = { ı: 'I', ſ: 'S' };

/**
 * The pod-template annotation of Reloader's annotations strategy: `ReloaderAnnotationPrefix` + "/" +
 * `LastReloadedFromAnnotation` (internal/pkg/constants/constants.go, Reloader v1.4.22).
 */
export const RELOADER_LAST_RELOADED_FROM = 'reloader.stakater.com/last-reloaded-from';

/** `common.ReloadSource` (pkg/common/reload_source.go, Reloader v1.4.22), which Reloader marshals into the annotation. */
export interface ReloadSource {
  /** `CONFIGMAP`, `SECRET` or `SECRETPROVIDERCLASS` (the env-var postfix constants). */
  readonly type: string;
  readonly name: string;
  readonly namespace: string;
  /** {@link reloaderConfigMapHash} or {@link reloaderSecretHash} of the object that triggered the reload. */
  readonly hash: string;
  readonly containerRefs: readonly string[];
  /** Unix seconds. */
  readonly observedAt: number;
}

/** Parses the value `createReloadedAnnotations` (internal/pkg/handler/upgrade.go, Reloader v1.4.22) writes. */
export function parseLastReloadedFrom(value: string): ReloadSource {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (cause) {
    throw new Error(`${RELOADER_LAST_RELOADED_FROM} is not JSON: ${JSON.stringify(value)}`, { cause });
  }
  const o = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const type = str('type');
  const name = str('name');
  const namespace = str('namespace');
  const hash = str('hash');
  // Go marshals a nil slice as null.
  const refs = o['containerRefs'] ?? [];
  const observedAt = o['observedAt'];
  if (type === undefined || name === undefined || namespace === undefined || hash === undefined || typeof observedAt !== 'number'
    || !Array.isArray(refs) || !refs.every((r) => typeof r === 'string')) {
    throw new Error(`${RELOADER_LAST_RELOADED_FROM} is not a ReloadSource: ${JSON.stringify(value)}`);
  }
  return { type, name, namespace, hash, containerRefs: refs, observedAt };
}
