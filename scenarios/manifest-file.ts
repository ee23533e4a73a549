import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { TunableError } from '../harness/tunable-error.ts';

/** One object of a user's manifest, as YAML gives it. */
export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What in a user's manifest cannot work, by object and field. */
export const problem = (where: string, field: string, why: string) => new TunableError(`${where}: ${field} ${why}`);

/** The objects of a multi-document YAML file; a syntax error is named by file and line. */
export function readManifests(file: string): Json[] {
  const objects: Json[] = [];
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const error = doc.errors[0];
    if (error) throw new TunableError(`${file}:${error.linePos?.[0].line ?? '?'}: ${error.message.split('\n')[0]}`);
    const value: unknown = doc.toJS();
    if (value === null) continue;
    if (!isObject(value)) throw new TunableError(`${file}: a document is not an object`);
    objects.push(value);
  }
  return objects;
}

/** `Kind (apiVersion)` of each object, for a message that says what a file holds. */
export const kindsOf = (objects: readonly Json[]) => objects.map((o) => `${String(o.kind)} (${String(o.apiVersion)})`).join(', ') || 'nothing';

/** The object's `metadata.name`, if it has one. */
export const nameOf = (o: Json): string | undefined => (isObject(o.metadata) && typeof o.metadata.name === 'string' && o.metadata.name ? o.metadata.name : undefined);
