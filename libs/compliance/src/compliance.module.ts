import { Module } from '@nestjs/common';
import { AuditLog } from './audit/audit-log';
import { Certificates } from './certificates/certificates';
import { IrrecoverabilityAttestation } from './certificates/irrecoverability-attestation';
import { COMPLIANCE_CLOCK, systemClock } from './clock';
import { AuditController } from './http/audit.controller';
import { CertificatesController } from './http/certificates.controller';

/**
 * The audit log and certificates, without routes (any host: api, worker, CLI). Registers the
 * irrecoverability attestation with the keyring rotation. Needs the platform's database and
 * CryptoShreddingModule (both global).
 */
@Module({
  providers: [{ provide: COMPLIANCE_CLOCK, useValue: systemClock }, AuditLog, Certificates, IrrecoverabilityAttestation],
  exports: [AuditLog, Certificates, COMPLIANCE_CLOCK],
})
export class ComplianceRecordsModule {}

/** The compliance routes (api host), over ComplianceRecordsModule, which it re-exports. */
@Module({
  imports: [ComplianceRecordsModule],
  controllers: [AuditController, CertificatesController],
  exports: [ComplianceRecordsModule],
})
export class ComplianceModule {}
