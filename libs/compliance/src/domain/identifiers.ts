import { InvalidComplianceRecord } from './compliance-record-error';

/** Ids the API lets callers choose (controllers, sellers): 1-64 characters of A-Z a-z 0-9 . _ - */
export const CALLER_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * A token's subject, kept as the actor. Opaque ids only: no '@' or spaces, so an e-mail address or
 * a name given as `sub` is refused rather than written into the audit log.
 */
export const ACTOR_PATTERN = /^[A-Za-z0-9._:|/-]{1,128}$/;

export function requirePattern(field: string, value: unknown, pattern: RegExp, rule: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw new InvalidComplianceRecord(field, `${field} must be ${rule}`);
  return value;
}

export function requireCount(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new InvalidComplianceRecord(field, `${field} must be a count (a non-negative integer)`);
  return value;
}

export const requireUuid = (field: string, value: unknown) => requirePattern(field, value, UUID_PATTERN, 'a UUID');
export const requireCallerId = (field: string, value: unknown) => requirePattern(field, value, CALLER_ID_PATTERN, '1-64 characters of A-Z a-z 0-9 . _ -');
export const requireActor = (field: string, value: unknown) =>
  requirePattern(field, value, ACTOR_PATTERN, "an opaque id (1-128 characters of A-Z a-z 0-9 . _ : | / -; a token's sub must not be an e-mail or a name)");
