import { InvalidComplianceRecord } from './compliance-record-error';
import { requireActor, requireCallerId, requireCount, requirePattern, requireUuid } from './identifiers';
import { isReasonCode, isReference, type ReasonCode, REFERENCE_PATTERN } from './reason-codes';

/**
 * What an audit entry concerns: ids and counts only. The id keys are named and checked; every
 * other key is a count (camelCase name, non-negative integer), so no key can carry text.
 */
export interface AuditScopeIds {
  /** Entries that concern one controller name it: a token limited to some controllers sees only theirs. */
  controllerId?: string;
  campaignId?: string;
  customerIds?: readonly string[];
  sellerIds?: readonly string[];
  requestId?: string;
  rotationId?: string;
  mode?: 'standard' | 'full';
  kekVersions?: readonly number[];
}

export type AuditScope = AuditScopeIds & { readonly [count: string]: number | string | readonly string[] | readonly number[] | undefined };

/** What a caller appends; the log adds seq, at and the hashes. */
export interface AuditEntryInput {
  /** The token subject (an opaque id). */
  actor: string;
  /** What happened, dotted lower-case words: `campaign.anonymized`, `keyring.rotated`. */
  action: string;
  scope: AuditScope;
  certificateId?: string | null;
  reasonCode?: ReasonCode | null;
  reference?: string | null;
}

/** The fields an entry's hash covers (see audit-chain.ts), normalized: absent optional values are null. */
export interface AuditEntryContent {
  seq: number;
  /** ISO-8601 UTC with milliseconds. */
  at: string;
  actor: string;
  action: string;
  scope: AuditScope;
  certificateId: string | null;
  reasonCode: ReasonCode | null;
  reference: string | null;
}

export interface AuditEntry extends AuditEntryContent {
  /** scope.controllerId, kept as a column for scoped reads. */
  controllerId: string | null;
  /** Hex SHA-256; null for the first entry ever. */
  prevHash: string | null;
  hash: string;
}

export const ACTION_PATTERN = /^(?=.{1,64}$)[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*){0,3}$/;
const COUNT_KEY = /^[a-z][A-Za-z]{0,39}$/;
const CERTIFICATE_ID_PATTERN = REFERENCE_PATTERN;
const MAX_IDS = 10_000;

const ID_KEYS: Record<keyof AuditScopeIds, (field: string, value: unknown) => unknown> = {
  controllerId: requireCallerId,
  campaignId: requireUuid,
  requestId: requireUuid,
  rotationId: requireUuid,
  customerIds: (field, value) => requireList(field, value, requireUuid),
  sellerIds: (field, value) => requireList(field, value, requireCallerId),
  kekVersions: (field, value) =>
    requireList(field, value, (f, v) => {
      if (requireCount(f, v) < 1) throw new InvalidComplianceRecord(f, `${f} must be a KEK version (a positive integer)`);
    }),
  mode: (field, value) => {
    if (value !== 'standard' && value !== 'full') throw new InvalidComplianceRecord(field, `${field} must be standard or full`);
  },
};

function requireList(field: string, value: unknown, each: (field: string, value: unknown) => unknown): void {
  if (!Array.isArray(value) || value.length > MAX_IDS) throw new InvalidComplianceRecord(field, `${field} must be a list of at most ${MAX_IDS} ids`);
  value.forEach((item, i) => each(`${field}[${i}]`, item));
}

/** A copy of the scope with its keys checked: ids by their patterns, everything else a count. */
export function checkedScope(scope: unknown): AuditScope {
  if (typeof scope !== 'object' || scope === null || Array.isArray(scope)) throw new InvalidComplianceRecord('scope', 'scope must be an object of ids and counts');
  const checked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(scope)) {
    if (value === undefined) continue;
    const field = `scope.${key}`;
    const check = ID_KEYS[key as keyof AuditScopeIds];
    if (check) check(field, value);
    else if (!COUNT_KEY.test(key)) throw new InvalidComplianceRecord('scope', 'scope keys must be camelCase names');
    else requireCount(field, value);
    checked[key] = Array.isArray(value) ? [...value] : value;
  }
  return checked as AuditScope;
}

/** The input checked and normalized (absent optional values become null), without seq and time. */
export function checkedAuditInput(input: AuditEntryInput): Omit<AuditEntryContent, 'seq' | 'at'> {
  const reasonCode = input.reasonCode ?? null;
  if (reasonCode !== null && !isReasonCode(reasonCode)) throw new InvalidComplianceRecord('reasonCode', 'reasonCode must be one of the reason codes');
  const reference = input.reference ?? null;
  if (reference !== null && !isReference(reference)) throw new InvalidComplianceRecord('reference', 'reference must be 1-64 characters of A-Z a-z 0-9 . _ : / -');
  const certificateId = input.certificateId ?? null;
  if (certificateId !== null) requirePattern('certificateId', certificateId, CERTIFICATE_ID_PATTERN, 'a certificate id');
  return {
    actor: requireActor('actor', input.actor),
    action: requirePattern('action', input.action, ACTION_PATTERN, 'dotted lower-case words (campaign.anonymized)'),
    scope: checkedScope(input.scope),
    certificateId,
    reasonCode,
    reference,
  };
}
