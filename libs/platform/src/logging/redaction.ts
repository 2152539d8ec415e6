/**
 * Keys whose values are personal wherever they appear (API.md's personal fields). Logged objects
 * are walked to any depth and these values replaced, on top of the allow-listed serializers.
 */
export const PERSONAL_KEYS: ReadonlySet<string> = new Set([
  'name',
  'email',
  'phone',
  'body',
  'subject',
  'notes',
  'comment',
  'fields',
  'extraFields',
  'customerRef',
  'address',
  'personal',
]);

export const REDACTED = '[Redacted]';
const MAX_DEPTH = 12;

/** A copy of `value` with every personal key's value replaced, to any depth. */
export function redactPersonal(value: unknown, skipKeys: ReadonlySet<string> = new Set(), depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactPersonal(item, skipKeys, depth + 1, seen));
  if (value instanceof Date) return value;
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[Binary ${value.byteLength} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (depth === 0 && skipKeys.has(key)) out[key] = child;
    else out[key] = PERSONAL_KEYS.has(key) ? REDACTED : redactPersonal(child, skipKeys, depth + 1, seen);
  }
  return out;
}
