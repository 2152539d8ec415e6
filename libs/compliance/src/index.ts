export { ComplianceModule, ComplianceRecordsModule } from './compliance.module';
export { complianceMigrations } from './migrations/1764461200000-compliance.migration';
export { COMPLIANCE_CLOCK, type ComplianceClock } from './clock';

export { isReasonCode, isReference, REASON_CODES, type ReasonCode, REFERENCE_PATTERN } from './domain/reason-codes';
export { InvalidComplianceRecord } from './domain/compliance-record-error';
export { type AuditEntry, type AuditEntryContent, type AuditEntryInput, type AuditScope, type AuditScopeIds } from './domain/audit-entry';
export {
  type AttestedCertificate,
  type Certificate,
  CERTIFICATE_KINDS,
  type CertificateKind,
  type CertificateScope,
  type Irrecoverability,
  type UnsignedCertificate,
} from './domain/certificate';

export { canonicalJson } from './canonical-json';
export { auditEntryHash } from './audit/audit-chain';
export { type AuditBreak, type AuditHead, AuditLog, type AuditQuery, type AuditVerification } from './audit/audit-log';
export { type CertificateRecord, Certificates, type PublicKey, type StoredCertificate } from './certificates/certificates';
export { type CertificateFault, type CertificateVerification, verifyCertificate } from './certificates/certificate-signature';
