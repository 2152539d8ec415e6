import { DomainError, invalid } from './domain-error';

/**
 * Why a compliance command is given: a code, never free text (the audit log holds no free text).
 * Shared by legal holds and, in the compliance lib, every anonymization and request.
 */
export const REASON_CODES = ['purpose-fulfilled', 'retention-policy', 'data-subject-request', 'controller-instruction', 'legal-obligation', 'other'] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** A reference is plain data too: a ticket or case id, never a sentence. */
export const REFERENCE_PATTERN = /^[A-Za-z0-9._:/-]{1,64}$/;

export const isReasonCode = (value: unknown): value is ReasonCode => typeof value === 'string' && (REASON_CODES as readonly string[]).includes(value);

/** A hold in place on a campaign or a customer (GDPR Art. 17(3)(e): disputes, claims). */
export interface LegalHold {
  reasonCode: ReasonCode;
  reference: string | null;
  placedAt: string;
}

export type PlaceLegalHold = { type: 'PlaceLegalHold'; reasonCode: string; reference?: string | null; now: string };
export type ReleaseLegalHold = { type: 'ReleaseLegalHold'; now: string };

/**
 * What placing a hold records: its reason and reference, or null when exactly this hold is in place
 * already. A hold with another reason or reference replaces the one in place (a PUT: the hold is
 * what the last placement says; it is placed anew, at the new time).
 */
export function holdToPlace(current: LegalHold | null, command: PlaceLegalHold): { reasonCode: ReasonCode; reference: string | null } | null {
  if (!isReasonCode(command.reasonCode)) throw invalid('reasonCode', `reasonCode must be one of ${REASON_CODES.join(', ')}`);
  const reference = command.reference ?? null;
  if (reference !== null && !REFERENCE_PATTERN.test(reference)) {
    throw invalid('reference', `reference must match ${REFERENCE_PATTERN.source} (a ticket or case id, never free text)`);
  }
  if (current && current.reasonCode === command.reasonCode && current.reference === reference) return null;
  return { reasonCode: command.reasonCode, reference };
}

/** Releasing needs a hold in place. */
export function assertHoldToRelease(current: LegalHold | null): void {
  if (!current) throw new DomainError('conflict', 'no-legal-hold', 'there is no legal hold to release');
}

/** A hold blocks erasure: the refusal states its ground (the reason code, a plain code). */
export function legalHoldRefusal(hold: LegalHold, what: string, field?: string): DomainError<'locked'> {
  return new DomainError('locked', 'legal-hold', `${what} is under legal hold (${hold.reasonCode})`, field, { reasonCode: hold.reasonCode });
}
