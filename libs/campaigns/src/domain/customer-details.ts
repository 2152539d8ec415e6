import { invalid } from './domain-error';
import type { CustomerDetailsChange, CustomerPersonal } from './events';

export type FlatValue = string | number | boolean;
export const MAX_FIELDS = 100;

/** PATCH /v1/customers/:id as a JSON Merge Patch (RFC 7396): absent keys stay, null removes. */
export type DetailsPatch = {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  /** Merged key by key into the current fields; a null value removes its key, null itself removes them all. */
  fields?: Record<string, FlatValue | null> | null;
};

export const DETAIL_KEYS = ['name', 'email', 'phone', 'fields'] as const;

/** RFC 7396 on a flat object. Built through a Map, so a key such as `__proto__` stays a plain key. */
export function mergeFields(current: Record<string, FlatValue> | null, patch: Record<string, FlatValue | null> | null): Record<string, FlatValue> | null {
  if (patch === null) return null;
  const merged = new Map(Object.entries(current ?? {}));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) merged.delete(key);
    else merged.set(key, value);
  }
  if (merged.size > MAX_FIELDS) throw invalid('fields', `fields would hold more than ${MAX_FIELDS} entries after the merge`, 'too-many-fields');
  return merged.size > 0 ? Object.fromEntries(merged) : null;
}

/** The details after a change: each named key takes its new value, or goes when it is null. */
export function applyDetailsChange(details: CustomerPersonal, change: CustomerDetailsChange): CustomerPersonal {
  const next: Record<string, unknown> = { ...details };
  for (const key of DETAIL_KEYS) {
    if (!(key in change) || change[key] === undefined) continue;
    if (change[key] === null) delete next[key];
    else next[key] = change[key];
  }
  return next as CustomerPersonal;
}
