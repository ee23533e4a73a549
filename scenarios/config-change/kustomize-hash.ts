import { createHash } from 'node:crypto';
import { goJsonObject, goJsonString } from './wave-hash.ts';

/**
 * A generated object as kustomize holds it when it hashes: `name` is its final name before the
 * suffix (after any namePrefix/nameSuffix); `binaryData` and Secret `data` are base64, as generated.
 * An absent `data`, `binaryData` or `type` is not the same as an empty one.
 */
export interface KustomizeGenerated {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  readonly data?: Readonly<Record<string, string>>;
  readonly binaryData?: Readonly<Record<string, string>>;
  readonly type?: string;
}

/**
 * The 10-character suffix of a configMapGenerator/secretGenerator name: `Hasher.Hash` with
 * `encodeConfigMap`/`encodeSecret`, `hex256` and `encode` in hasher/hasher.go of
 * sigs.k8s.io/kustomize/api v0.18.0 (kustomize v5.5.0; unchanged through v0.21.1, kubectl v1.36).
 */
export function kustomizeNameSuffix(obj: KustomizeGenerated): string {
  // An absent field is hashed as "" (getNodeValues), not as null or {}.
  const map = (m: Readonly<Record<string, string>> | undefined) => (m ? goJsonObject(Object.entries(m).map(([k, v]) => [k, goJsonString(v)])) : '""');
  const fields: [string, string][] = [
    ['kind', goJsonString(obj.kind)],
    // Always "": upstream's yaml.Lookup("metadata/name") looks for one field named "metadata/name", so
    // objects that differ only in name get the same suffix.
    ['name', '""'],
    ['data', map(obj.data)],
  ];
  if (obj.kind === 'ConfigMap' && obj.binaryData) fields.push(['binaryData', map(obj.binaryData)]);
  if (obj.kind === 'Secret') fields.push(['type', goJsonString(obj.type ?? '')]);
  const hex = createHash('sha256').update(goJsonObject(fields)).digest('hex');
  return hex.slice(0, 10).replace(/[013ae]/g, (c) => SUFFIX_LETTERS[c] ?? c);
}

/** `<name>-<suffix>`, as HashTransformerPlugin (api/internal/builtins/HashTransformer.go) names the object. */
export function kustomizeGeneratedName(obj: KustomizeGenerated): string {
  return `${obj.name}-${kustomizeNameSuffix(obj)}`;
}

// Upstream swaps the vowels and their look-alike digits so that a suffix is unlikely to spell a word.
const SUFFIX_LETTERS: Readonly<Record<string, string>> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
