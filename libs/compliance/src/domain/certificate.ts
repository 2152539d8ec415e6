import { InvalidComplianceRecord } from './compliance-record-error';
import { requireActor, requireCount, requirePattern, requireUuid } from './identifiers';
import { isReasonCode, isReference, type ReasonCode } from './reason-codes';
import { checkedScope } from './audit-entry';

export const CERTIFICATE_KINDS = ['campaign-anonymization', 'customer-anonymization', 'seller-anonymization', 'erasure-request'] as const;
export type CertificateKind = (typeof CERTIFICATE_KINDS)[number];

export type CertificateScope = { campaignId: string } | { customerIds: string[] } | { sellerIds: string[] };

/**
 * A certificate of erasure. `signature` is Ed25519 (base64) over the RFC 8785 canonical JSON of
 * every other field of the certificate (never `irrecoverability`, which is attested apart).
 */
export interface Certificate {
  certificateId: string;
  kind: CertificateKind;
  scope: CertificateScope;
  /** Null where the kind has no mode (a seller's erasure). */
  mode: 'standard' | 'full' | null;
  reasonCode: ReasonCode;
  reference: string | null;
  /** The actor (token subject) who asked. */
  requestedBy: string;
  customersAffected: number;
  keysDestroyed: number;
  /** ISO-8601 UTC. */
  keysDestroyedAt: string;
  /** The audit chain head after the entry that records this erasure. */
  auditHead: { seq: number; hash: string };
  /** The signing key's id (see GET /v1/compliance/public-keys). */
  keyId: string;
  signature: string;
}

export type UnsignedCertificate = Omit<Certificate, 'keyId' | 'signature'>;

/**
 * Added once every KEK version that wrapped the certificate's destroyed keys is retired: from then
 * on no copy of those keys (WAL, replicas, backups) can be unwrapped. `signature` is Ed25519
 * (base64) over the canonical JSON of {certificateId, at, kekVersions, keyId}.
 */
export interface Irrecoverability {
  at: string;
  kekVersions: number[];
  keyId: string;
  signature: string;
}

/** A certificate as served: the signed certificate plus its attestation, null until there is one. */
export type AttestedCertificate = Certificate & { irrecoverability: Irrecoverability | null };

const HEX_HASH = /^[0-9a-f]{64}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Exactly the fields of an unsigned certificate, checked, in a fresh object (nothing else gets signed). */
export function checkedUnsignedCertificate(body: UnsignedCertificate): UnsignedCertificate {
  if (!(CERTIFICATE_KINDS as readonly string[]).includes(body.kind)) throw new InvalidComplianceRecord('kind', `kind must be one of ${CERTIFICATE_KINDS.join(', ')}`);
  if (body.mode !== null && body.mode !== 'standard' && body.mode !== 'full') throw new InvalidComplianceRecord('mode', 'mode must be standard, full or null');
  if (!isReasonCode(body.reasonCode)) throw new InvalidComplianceRecord('reasonCode', 'reasonCode must be one of the reason codes');
  if (body.reference !== null && !isReference(body.reference)) throw new InvalidComplianceRecord('reference', 'reference must be 1-64 characters of A-Z a-z 0-9 . _ : / -');
  const scopeKeys = Object.keys(body.scope ?? {});
  if (scopeKeys.length !== 1 || !['campaignId', 'customerIds', 'sellerIds'].includes(scopeKeys[0])) {
    throw new InvalidComplianceRecord('scope', 'scope must name exactly one of campaignId, customerIds, sellerIds');
  }
  const scope = checkedScope(body.scope) as CertificateScope;
  if (typeof body.keysDestroyedAt !== 'string' || !ISO_UTC.test(body.keysDestroyedAt) || Number.isNaN(Date.parse(body.keysDestroyedAt))) {
    throw new InvalidComplianceRecord('keysDestroyedAt', 'keysDestroyedAt must be an ISO-8601 UTC time with milliseconds');
  }
  const head = body.auditHead;
  if (!head || requireCount('auditHead.seq', head.seq) < 1) throw new InvalidComplianceRecord('auditHead.seq', 'auditHead.seq must be a positive integer');
  requirePattern('auditHead.hash', head.hash, HEX_HASH, 'a hex SHA-256');
  return {
    certificateId: requireUuid('certificateId', body.certificateId),
    kind: body.kind,
    scope,
    mode: body.mode,
    reasonCode: body.reasonCode,
    reference: body.reference,
    requestedBy: requireActor('requestedBy', body.requestedBy),
    customersAffected: requireCount('customersAffected', body.customersAffected),
    keysDestroyed: requireCount('keysDestroyed', body.keysDestroyed),
    keysDestroyedAt: body.keysDestroyedAt,
    auditHead: { seq: head.seq, hash: head.hash },
  };
}
