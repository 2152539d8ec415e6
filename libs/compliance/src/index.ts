export { ComplianceModule, ComplianceRecordsModule, ComplianceServicesModule } from './compliance.module';
export { complianceMigrations } from './migrations';
export { COMPLIANCE_CLOCK, COMPLIANCE_IDS, type ComplianceClock, type ComplianceIds } from './clock';

export { type Grounds, isReasonCode, isReference, REASON_CODES, type ReasonCode, REFERENCE_PATTERN } from './domain/reason-codes';
export { InvalidComplianceRecord } from './domain/compliance-record-error';
export { ACTOR_PATTERN } from './domain/identifiers';
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
export { Anonymizations, type AnonymizeCampaign, type AnonymizeCustomer } from './anonymization/anonymizations';
export { type HoldTarget, LegalHolds } from './legal-holds/legal-holds';
export { type AnonymizationMode, confirmRefusal, holdRefusal, type Refusal, repeatRefusal, scopesOf } from './domain/anonymization-rules';
