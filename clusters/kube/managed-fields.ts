import type { KubeObject, ManagedFieldsEntry } from './kube-client.ts';

/**
 * The leaf field paths a managedFields entry owns, in the API server's conflict syntax:
 * `f:spec` → `.spec`, `k:{"name":"app"}` → `[name="app"]`, `v:"x"` → `[="x"]`, `i:3` → `[3]`.
 */
export function managedFieldPaths(entry: Pick<ManagedFieldsEntry, 'fieldsV1'>): string[] {
  const paths: string[] = [];
  const walk = (node: Record<string, unknown>, prefix: string) => {
    const children = Object.entries(node).filter(([k]) => k !== '.');
    if (!children.length || '.' in node) if (prefix) paths.push(prefix);
    for (const [key, child] of children) {
      let segment: string;
      if (key.startsWith('f:')) segment = `.${key.slice(2)}`;
      else if (key.startsWith('k:')) {
        const keys = JSON.parse(key.slice(2)) as Record<string, unknown>;
        segment = `[${Object.keys(keys).sort().map((k) => `${k}=${JSON.stringify(keys[k])}`).join(',')}]`;
      } else if (key.startsWith('v:')) segment = `[=${key.slice(2)}]`;
      else if (key.startsWith('i:')) segment = `[${key.slice(2)}]`;
      else continue;
      walk((child ?? {}) as Record<string, unknown>, prefix + segment);
    }
  };
  walk(entry.fieldsV1 ?? {}, '');
  return paths;
}

/** Managers (with operation and subresource) that own `path` on `object`. */
export function ownersOf(object: KubeObject, path: string): string[] {
  return (object.metadata.managedFields ?? [])
    .filter((e) => managedFieldPaths(e).includes(path))
    .map((e) => `${e.manager} (${e.operation}${e.subresource ? ` /${e.subresource}` : ''})`)
    .sort();
}
