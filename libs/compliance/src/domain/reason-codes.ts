/**
 * Why a compliance command ran. Free text never enters the audit log or a certificate: a reason
 * code, and optionally a reference such as a ticket id.
 */
export const REASON_CODES = ['purpose-fulfilled', 'retention-policy', 'data-subject-request', 'controller-instruction', 'legal-obligation', 'other'] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const isReasonCode = (value: unknown): value is ReasonCode => typeof value === 'string' && (REASON_CODES as readonly string[]).includes(value);

/** A ticket or case id: short, no spaces, nothing that reads as prose. */
export const REFERENCE_PATTERN = /^[A-Za-z0-9._:/-]{1,64}$/;

export const isReference = (value: unknown): value is string => typeof value === 'string' && REFERENCE_PATTERN.test(value);

/** Why a compliance command runs: a reason code and, optionally, a reference. */
export interface Grounds {
  reasonCode: ReasonCode;
  reference?: string | null;
}
