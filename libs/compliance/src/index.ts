export { ComplianceModule, ComplianceRecordsModule, ComplianceServicesModule, RetentionSchedulerModule } from './compliance.module';
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
export { type AccessAnswer, type AccessedCustomer, type AccessRequest, AccessRequests } from './requests/access-requests';
export { type ErasureAnswer, type ErasureRequest, ErasureRequests } from './requests/erasure-requests';
export { RequestRegister, type RequestQuery } from './requests/request-register';
export { dueAfterOneMonth, type RegisteredRequest, type RequestKind, type RequestStatus, type SubjectMatch } from './domain/data-subject-request';
export { type DueCampaign, Retention, RETENTION_ACTOR, type RetentionRun } from './retention/retention';
export { RETENTION_INTERVAL_MS, RetentionScheduler } from './retention/retention.scheduler';
export { localMidnightAfter, retentionDue, type RetentionPolicy } from './domain/retention-rules';
export { KeyringRotations, type RotationView } from './keyring/keyring-rotations';
