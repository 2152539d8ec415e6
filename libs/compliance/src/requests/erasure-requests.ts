import { type Actor, CampaignRecords, CommandExecutor, type CommandRequest, IdempotencyStore } from '@app/campaigns';
import { type DestroyResult, type IndexMatch, KeyShredder } from '@app/crypto-shredding';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditLog } from '../audit/audit-log';
import { Certificates } from '../certificates/certificates';
import { COMPLIANCE_CLOCK, COMPLIANCE_IDS, type ComplianceClock, type ComplianceIds } from '../clock';
import { type AnonymizationMode, repeatRefusal, scopesOf } from '../domain/anonymization-rules';
import type { Certificate } from '../domain/certificate';
import { dueAfterOneMonth, type SubjectMatch } from '../domain/data-subject-request';
import type { Grounds, ReasonCode } from '../domain/reason-codes';
import { RequestRegister } from './request-register';
import { SubjectLookup } from './subject-lookup';

export interface ErasureRequest extends Grounds {
  controllerId: string;
  match: SubjectMatch;
  /** Default full: an erasure request leaves nothing that links the sales to the person. */
  mode?: AnonymizationMode;
}

export interface ErasureAnswer {
  requestId: string;
  /** Every customer found and not held: anonymized by this request or, in this mode, before it. */
  customerIds: string[];
  /** Customers kept by a legal hold (their own or their campaign's), with the hold's ground. */
  held: { customerId: string; reasonCode: ReasonCode }[];
  certificate: Certificate;
}

const NOTHING_DESTROYED: DestroyResult = { keyIds: [], keysDestroyed: 0, customersAffected: 0, kekVersions: [], notices: [], ledgerEntry: null };
/** Campaigns found after the first locks (an enrollment that committed meanwhile) are locked too; a bound against a pathological loop. */
const LOCK_ROUNDS = 5;

/**
 * Erasure requests (Art. 17) by identifier: every customer of the controller the blind index finds
 * is anonymized in one transaction (through the command executor: an Idempotency-Key replays the
 * first answer), with one audit entry, one certificate (kind `erasure-request`, scope the
 * customers anonymized now) and the request's row in the register. Customers under a legal hold
 * are skipped and named; customers already anonymized in the mode are skipped silently.
 */
@Injectable()
export class ErasureRequests {
  private readonly logger = new Logger(ErasureRequests.name);

  constructor(
    @Inject(CommandExecutor) private readonly executor: CommandExecutor,
    @Inject(CampaignRecords) private readonly records: CampaignRecords,
    @Inject(IdempotencyStore) private readonly idempotency: IdempotencyStore,
    @Inject(KeyShredder) private readonly shredder: KeyShredder,
    @Inject(AuditLog) private readonly auditLog: AuditLog,
    @Inject(Certificates) private readonly certificates: Certificates,
    @Inject(RequestRegister) private readonly register: RequestRegister,
    @Inject(SubjectLookup) private readonly lookup: SubjectLookup,
    @Inject(COMPLIANCE_CLOCK) private readonly clock: ComplianceClock,
    @Inject(COMPLIANCE_IDS) private readonly ids: ComplianceIds,
  ) {}

  async erase(request: CommandRequest, input: ErasureRequest): Promise<ErasureAnswer> {
    this.lookup.check(request.principal, input.controllerId, input.match);
    const mode = input.mode ?? 'full';
    const actor: Actor = { subject: request.principal.subject, correlationId: request.correlationId };
    const receivedAt = this.clock.now();
    let destroyed: DestroyResult = NOTHING_DESTROYED;
    const outcome = await this.executor.execute(request, async (tx) => {
      destroyed = NOTHING_DESTROYED;
      const found = await this.lockAndFind(tx, input);
      const held: ErasureAnswer['held'] = [];
      const toErase: string[] = [];
      const customerIds: string[] = [];
      for (const { customerId } of found) {
        const facts = await this.records.customerFacts(tx, customerId);
        if (!facts || facts.controllerId !== input.controllerId) continue;
        const hold = facts.legalHold ?? facts.campaignLegalHold;
        if (hold) {
          held.push({ customerId, reasonCode: hold.reasonCode as ReasonCode });
          continue;
        }
        customerIds.push(customerId);
        // Done in this mode (or full before a standard request): nothing more to destroy.
        if (!repeatRefusal('customer', facts.anonymization?.mode ?? null, mode)) toErase.push(customerId);
      }

      const requestId = this.ids.next();
      const certificateId = this.ids.next();
      if (toErase.length > 0) {
        destroyed = await this.shredder.destroy(tx, { customerIds: toErase, scopes: scopesOf(mode) }, { actor: actor.subject, certificateId });
        await this.idempotency.forgetCustomers(tx, toErase);
        await this.records.recordCustomersAnonymized(
          tx,
          toErase.map((customerId) => ({ customerId, mode, certificateId })),
          actor,
        );
      }
      const certificate = await this.certify(tx, actor, { requestId, certificateId, mode, input, erased: toErase, held: held.length, destroyed });
      await this.register.record(tx, {
        requestId,
        kind: 'erasure',
        controllerId: input.controllerId,
        receivedAt: receivedAt.toISOString(),
        dueAt: dueAfterOneMonth(receivedAt).toISOString(),
        completedAt: certificate.keysDestroyedAt,
        status: 'completed',
        reasonCode: input.reasonCode,
        reference: input.reference ?? null,
        requestedBy: actor.subject,
      });
      return { status: 200, body: { requestId, customerIds, held, certificate } };
    });
    if (destroyed.keysDestroyed > 0) await this.confirm(destroyed, outcome.body.certificate.certificateId);
    return outcome.body;
  }

  /**
   * The campaigns of the customers found, locked FOR UPDATE in ascending id order (as an
   * anonymization locks its campaign), then the lookup again under the locks: holds and
   * enrollments committed before are seen, later ones wait. A campaign that shows up only in the
   * second lookup (enrolled meanwhile) is locked in the next round.
   */
  private async lockAndFind(tx: EntityManager, input: ErasureRequest): Promise<IndexMatch[]> {
    const locked = new Set<string>();
    for (let round = 0; round < LOCK_ROUNDS; round += 1) {
      const found = await this.lookup.find(tx, input.controllerId, input.match);
      const unlocked = [...new Set(found.map((m) => m.campaignId))].filter((id) => !locked.has(id)).sort();
      if (unlocked.length === 0) return found;
      for (const campaignId of unlocked) {
        await this.records.lockCampaign(tx, campaignId);
        locked.add(campaignId);
      }
    }
    return (await this.lookup.find(tx, input.controllerId, input.match)).filter((m) => locked.has(m.campaignId));
  }

  private async certify(
    tx: EntityManager,
    actor: Actor,
    c: { requestId: string; certificateId: string; mode: AnonymizationMode; input: ErasureRequest; erased: string[]; held: number; destroyed: DestroyResult },
  ): Promise<Certificate> {
    const counts = { customersAffected: c.destroyed.customersAffected, keysDestroyed: c.destroyed.keysDestroyed };
    const reference = c.input.reference ?? null;
    // Late in the transaction: from the append to the commit, every other append waits.
    const entry = await this.auditLog.append(tx, {
      actor: actor.subject,
      action: 'erasure-request.answered',
      scope: { controllerId: c.input.controllerId, requestId: c.requestId, customerIds: c.erased, mode: c.mode, ...counts, customersHeld: c.held },
      certificateId: c.certificateId,
      reasonCode: c.input.reasonCode,
      reference,
    });
    return this.certificates.issue(
      tx,
      {
        certificateId: c.certificateId,
        kind: 'erasure-request',
        scope: { customerIds: c.erased },
        mode: c.mode,
        reasonCode: c.input.reasonCode,
        reference,
        requestedBy: actor.subject,
        ...counts,
        keysDestroyedAt: entry.at,
        auditHead: { seq: entry.seq, hash: entry.hash },
      },
      { controllerId: c.input.controllerId, kekVersions: c.destroyed.kekVersions },
    );
  }

  /** The erasure committed: a failing ledger mark must not turn its answer into an error (the restore guard settles open intents). */
  private async confirm(destroyed: DestroyResult, certificateId: string): Promise<void> {
    try {
      await this.shredder.confirm(destroyed);
    } catch (error) {
      this.logger.error({ err: error, certificateId }, 'confirming a committed erasure failed; the restore guard settles its ledger intent at the next start');
    }
  }
}
