/** A Kubernetes `Status` body, as the API server returns it with errors. */
export interface KubeStatus {
  readonly kind: 'Status';
  readonly status: 'Failure' | 'Success';
  readonly message: string;
  readonly reason: string;
  readonly code: number;
  readonly details?: { readonly causes?: ReadonlyArray<{ readonly reason?: string; readonly message?: string; readonly field?: string }> };
}

/** One field-manager conflict from a 409 on apply. */
export interface FieldConflict {
  /** Field path, e.g. `.spec.replicas` or `.data.color`. */
  readonly field: string;
  /** The manager that owns it. */
  readonly manager: string;
  /** Present when the owner wrote through Update: `apps/v1`. */
  readonly apiVersion?: string;
  /** Present when the owner wrote through a subresource: `scale`. */
  readonly subresource?: string;
}

export function isStatus(body: unknown): body is KubeStatus {
  return typeof body === 'object' && body !== null && (body as { kind?: string }).kind === 'Status';
}

/**
 * The field-manager conflicts in a 409 Status; empty for other 409s (a stale resourceVersion or
 * a uid mismatch), which carry no `FieldManagerConflict` causes.
 */
export function fieldConflicts(status: KubeStatus): FieldConflict[] {
  const conflicts: FieldConflict[] = [];
  for (const cause of status.details?.causes ?? []) {
    if (cause.reason !== 'FieldManagerConflict' || !cause.field) continue;
    const owner = /^conflicts? with "(.+?)"(?: with subresource "(.+?)")?(?: using (\S+))?$/.exec(cause.message ?? '');
    if (!owner) continue;
    conflicts.push({
      field: cause.field,
      manager: owner[1]!,
      ...(owner[3] ? { apiVersion: owner[3] } : {}),
      ...(owner[2] ? { subresource: owner[2] } : {}),
    });
  }
  return conflicts;
}
