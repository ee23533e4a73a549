/** Replaces every occurrence of each secret in strings anywhere inside `value`. */
export function redactDeep<T>(value: T, secrets: ReadonlySet<string>): T {
  if (!secrets.size) return value;
  const scrub = (v: unknown): unknown => {
    if (typeof v === 'string') {
      let out = v;
      for (const s of secrets) if (s) out = out.split(s).join('***');
      return out;
    }
    if (Array.isArray(v)) return v.map(scrub);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]));
    return v;
  };
  return scrub(value) as T;
}
