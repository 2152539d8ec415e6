import { CampaignsModule } from '@app/campaigns';
import { Module } from '@nestjs/common';
import { Anonymizations } from './anonymization/anonymizations';
import { AuditLog } from './audit/audit-log';
import { Certificates } from './certificates/certificates';
import { IrrecoverabilityAttestation } from './certificates/irrecoverability-attestation';
import { COMPLIANCE_CLOCK, COMPLIANCE_IDS, randomIds, systemClock } from './clock';
import { AnonymizationController } from './http/anonymization.controller';
import { AuditController } from './http/audit.controller';
import { CertificatesController } from './http/certificates.controller';
import { LegalHoldsController } from './http/legal-holds.controller';
import { KeyringRotationsController } from './http/keyring-rotations.controller';
import { RetentionController } from './http/retention.controller';
import { KeyringRotations } from './keyring/keyring-rotations';
import { LegalHolds } from './legal-holds/legal-holds';
import { RequestRegisterController, RequestsController } from './http/requests.controller';
import { AccessRequests } from './requests/access-requests';
import { ErasureRequests } from './requests/erasure-requests';
import { RequestRegister } from './requests/request-register';
import { SubjectLookup } from './requests/subject-lookup';
import { Retention } from './retention/retention';
import { RetentionScheduler } from './retention/retention.scheduler';

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

/**
 * The compliance services over the records and the campaigns' records: anonymizations, legal
 * holds, erasure and access requests and their register, retention, keyring rotations as a job
 * (any host that runs them: api, CLI, the retention scheduler).
 */
@Module({
  imports: [ComplianceRecordsModule, CampaignsModule],
  providers: [
    { provide: COMPLIANCE_IDS, useValue: randomIds },
    Anonymizations,
    LegalHolds,
    SubjectLookup,
    RequestRegister,
    ErasureRequests,
    AccessRequests,
    Retention,
    KeyringRotations,
  ],
  exports: [ComplianceRecordsModule, Anonymizations, LegalHolds, RequestRegister, ErasureRequests, AccessRequests, Retention, KeyringRotations],
})
export class ComplianceServicesModule {}

/** The compliance routes (api host), over ComplianceServicesModule, which it re-exports. */
@Module({
  imports: [ComplianceServicesModule],
  controllers: [AuditController, CertificatesController, AnonymizationController, LegalHoldsController, RequestsController, RequestRegisterController, RetentionController, KeyringRotationsController],
  exports: [ComplianceServicesModule],
})
export class ComplianceModule {}

/**
 * The retention scheduler (worker host): every instance ticks, one leads by advisory lock. The
 * host imports ScheduleModule.forRoot() to run its interval; without it `tick()` is called by hand.
 */
@Module({
  imports: [ComplianceServicesModule],
  providers: [RetentionScheduler],
  exports: [RetentionScheduler],
})
export class RetentionSchedulerModule {}
