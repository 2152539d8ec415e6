import { type Actor, CampaignRecords, CommandExecutor, type CommandRequest, DomainError, IdempotencyStore } from '@app/campaigns';
import { DataKeyStore, type DestroyResult, KeyShredder } from '@app/crypto-shredding';
import { ALL_CONTROLLERS, coversController, ForbiddenProblem } from '@app/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditLog } from '../audit/audit-log';
import { Certificates } from '../certificates/certificates';
import { COMPLIANCE_IDS, type ComplianceIds } from '../clock';
import { type AnonymizationMode, confirmRefusal, holdRefusal, type Refusal, repeatRefusal, scopesOf } from '../domain/anonymization-rules';
import type { AuditScope } from '../domain/audit-entry';
import type { Certificate, CertificateKind, CertificateScope } from '../domain/certificate';
import type { Grounds } from '../domain/reason-codes';

export interface AnonymizeCampaign extends Grounds {
  mode: AnonymizationMode;
  /** The campaign's name, typed by the caller. */
  confirm: string;
}

export interface AnonymizeCustomer extends Grounds {
  mode: AnonymizationMode;
}

const unknownCampaign = () => new DomainError('not-found', 'unknown-campaign', 'no such campaign');
const unknownCustomer = () => new DomainError('not-found', 'unknown-customer', 'no such customer');
const unknownSeller = () => new DomainError('not-found', 'unknown-seller-id', 'no such seller');

/** A refusal of the rules as the domain error the HTTP layer answers with. */
function refuse(refusal: Refusal | null): void {
  if (!refusal) return;
  switch (refusal.code) {
    case 'already-anonymized':
      throw new DomainError('conflict', 'already-anonymized', refusal.message, undefined, refusal.details);
    case 'legal-hold':
      throw new DomainError('locked', 'legal-hold', refusal.message, undefined, refusal.details);
    case 'confirm-mismatch':
      throw new DomainError('unprocessable', 'confirm-mismatch', refusal.message, refusal.field, refusal.details);
    default:
      return refusal.code satisfies never;
  }
}

/** What one erasure writes after its keys went: the audit entry, then the certificate naming it. */
interface Certify {
  kind: CertificateKind;
  scope: CertificateScope;
  auditScope: AuditScope;
  action: string;
  mode: AnonymizationMode | null;
  grounds: Grounds;
  controllerId: string | null;
  certificateId: string;
  destroyed: DestroyResult;
}

/**
 * Anonymizing a campaign or a customer, and erasing a seller: each one PostgreSQL transaction
 * (through the command executor, so an Idempotency-Key replays the first answer) that destroys the
 * keys, records the anonymization, appends the audit entry and issues the certificate. Repeats are
 * decided from the keys' tombstones, read under the campaign's keyspace lock: a request cut off
 * before its commit left nothing behind and simply runs again; one that committed is a 409.
 */
@Injectable()
export class Anonymizations {
  private readonly logger = new Logger(Anonymizations.name);

  constructor(
    @Inject(CommandExecutor) private readonly executor: CommandExecutor,
    @Inject(CampaignRecords) private readonly records: CampaignRecords,
    @Inject(IdempotencyStore) private readonly idempotency: IdempotencyStore,
    @Inject(KeyShredder) private readonly shredder: KeyShredder,
    @Inject(DataKeyStore) private readonly dataKeys: DataKeyStore,
    @Inject(AuditLog) private readonly auditLog: AuditLog,
    @Inject(Certificates) private readonly certificates: Certificates,
    @Inject(COMPLIANCE_IDS) private readonly ids: ComplianceIds,
  ) {}

  /**
   * Destroys the content keys (standard) or content and reference keys (full) of every customer of
   * the campaign, and closes its keyspace: from then on it takes no customers or interactions.
   * One CampaignAnonymized event, not one CustomerAnonymized per customer: the event and the
   * tombstones are the record, and 100,000 streams would make it slow.
   */
  async anonymizeCampaign(request: CommandRequest, campaignIdInPath: string, input: AnonymizeCampaign): Promise<{ certificate: Certificate }> {
    const campaignId = campaignIdInPath.toLowerCase();
    return this.erase(request, async (tx, actor) => {
      // Scope and confirmation before any lock: a campaign outside the token is unknown, and a
      // mistyped name changes nothing.
      const seen = await this.records.campaignFacts(tx, campaignId);
      if (!seen || !coversController(request.principal, seen.controllerId)) throw unknownCampaign();
      refuse(confirmRefusal(input.confirm, seen.name));
      // FOR UPDATE on the keyspace, then the facts: every hold and enrollment committed before is seen, later ones wait.
      await this.records.lockCampaign(tx, campaignId);
      const facts = (await this.records.campaignFacts(tx, campaignId))!;
      const [held] = facts.legalHold ? [] : await this.records.heldCustomers(tx, campaignId);
      refuse(
        holdRefusal(
          facts.legalHold
            ? { reasonCode: facts.legalHold.reasonCode, holder: 'the campaign' }
            : held && { reasonCode: held.legalHold.reasonCode, holder: 'a customer of the campaign', customerId: held.customerId },
        ),
      );
      refuse(repeatRefusal('campaign', facts.anonymization?.mode ?? null, input.mode));

      const certificateId = this.ids.next();
      const customerIds = await this.records.customerIdsOf(tx, campaignId);
      const destroyed = await this.shredder.destroy(tx, { campaignId, scopes: scopesOf(input.mode) }, { actor: actor.subject, certificateId });
      await this.idempotency.forgetCustomers(tx, customerIds);
      const counts = { customersAffected: destroyed.customersAffected, keysDestroyed: destroyed.keysDestroyed };
      // The stream's decider refuses a mode it already recorded too (a campaign without customers leaves no tombstones).
      await this.records.recordCampaignAnonymized(tx, { campaignId, mode: input.mode, ...counts, certificateId }, actor);
      const certificate = await this.certify(tx, actor, {
        kind: 'campaign-anonymization',
        scope: { campaignId },
        auditScope: { controllerId: facts.controllerId, campaignId, mode: input.mode, ...counts },
        action: 'campaign.anonymized',
        mode: input.mode,
        grounds: input,
        controllerId: facts.controllerId,
        certificateId,
        destroyed,
      });
      return { certificate, destroyed };
    });
  }

  /** One customer: its content key (standard) or content and reference keys (full), and its CustomerAnonymized. */
  async anonymizeCustomer(request: CommandRequest, customerIdInPath: string, input: AnonymizeCustomer): Promise<{ certificate: Certificate }> {
    const customerId = customerIdInPath.toLowerCase();
    return this.erase(request, async (tx, actor) => {
      const seen = await this.records.customerFacts(tx, customerId);
      if (!seen || !coversController(request.principal, seen.controllerId)) throw unknownCustomer();
      // The campaign's keyspace FOR UPDATE: hold changes on the customer and its campaign wait for this decision.
      await this.records.lockCampaign(tx, seen.campaignId);
      const facts = (await this.records.customerFacts(tx, customerId))!;
      refuse(
        holdRefusal(
          facts.legalHold
            ? { reasonCode: facts.legalHold.reasonCode, holder: 'the customer' }
            : facts.campaignLegalHold && { reasonCode: facts.campaignLegalHold.reasonCode, holder: "the customer's campaign" },
        ),
      );
      refuse(repeatRefusal('customer', facts.anonymization?.mode ?? null, input.mode));

      const certificateId = this.ids.next();
      const destroyed = await this.shredder.destroy(tx, { customerIds: [customerId], scopes: scopesOf(input.mode) }, { actor: actor.subject, certificateId });
      await this.idempotency.forgetCustomers(tx, [customerId]);
      await this.records.recordCustomersAnonymized(tx, [{ customerId, mode: input.mode, certificateId }], actor);
      const counts = { customersAffected: destroyed.customersAffected, keysDestroyed: destroyed.keysDestroyed };
      const certificate = await this.certify(tx, actor, {
        kind: 'customer-anonymization',
        scope: { customerIds: [customerId] },
        auditScope: { controllerId: facts.controllerId, campaignId: facts.campaignId, customerIds: [customerId], mode: input.mode, ...counts },
        action: 'customer.anonymized',
        mode: input.mode,
        grounds: input,
        controllerId: facts.controllerId,
        certificateId,
        destroyed,
      });
      return { certificate, destroyed };
    });
  }

  /**
   * A staff member's own erasure: destroys the seller's key, so its name is gone everywhere while
   * its id and every figure stay. Sellers belong to no controller: a token for every controller only.
   */
  async eraseSeller(request: CommandRequest, sellerId: string, input: Grounds): Promise<{ certificate: Certificate }> {
    if (!request.principal.controllers.includes(ALL_CONTROLLERS)) {
      throw new ForbiddenProblem('Erasing a seller needs a token for every controller (controllers: ["*"]): sellers are staff, not data of a controller.');
    }
    return this.erase(request, async (tx, actor) => {
      const key = (await this.dataKeys.find(tx, 'seller', [sellerId])).get(sellerId);
      if (!key) throw unknownSeller();
      const certificateId = this.ids.next();
      const destroyed = key.destroyed ? null : await this.shredder.destroy(tx, { sellerIds: [sellerId] }, { actor: actor.subject, certificateId });
      // Nothing destroyed: erased before, or by a concurrent request whose UPDATE this one waited for.
      if (!destroyed || destroyed.keysDestroyed === 0) throw new DomainError('conflict', 'already-anonymized', 'the seller was already erased');
      const certificate = await this.certify(tx, actor, {
        kind: 'seller-anonymization',
        scope: { sellerIds: [sellerId] },
        auditScope: { sellerIds: [sellerId], keysDestroyed: destroyed.keysDestroyed },
        action: 'seller.erased',
        mode: null,
        grounds: input,
        controllerId: null,
        certificateId,
        destroyed,
      });
      return { certificate, destroyed };
    });
  }

  /**
   * Runs one erasure in the command executor's transaction; after the commit, the shredder's
   * confirmation (this instance's key cache evicts, the erasure ledger's commit mark). A replayed
   * answer (Idempotency-Key) destroyed nothing and confirms nothing.
   */
  private async erase(
    request: CommandRequest,
    work: (tx: EntityManager, actor: Actor) => Promise<{ certificate: Certificate; destroyed: DestroyResult }>,
  ): Promise<{ certificate: Certificate }> {
    const actor: Actor = { subject: request.principal.subject, correlationId: request.correlationId };
    let destroyed: DestroyResult | null = null;
    const outcome = await this.executor.execute(request, async (tx) => {
      destroyed = null;
      const done = await work(tx, actor);
      destroyed = done.destroyed;
      return { status: 200, body: { certificate: done.certificate } };
    });
    if (destroyed) await this.confirm(destroyed, outcome.body.certificate.certificateId);
    return outcome.body;
  }

  /** The erasure committed: a failing ledger mark must not turn its answer into an error (the restore guard settles open intents by the transaction's fate). */
  private async confirm(destroyed: DestroyResult, certificateId: string): Promise<void> {
    try {
      await this.shredder.confirm(destroyed);
    } catch (error) {
      this.logger.error({ err: error, certificateId }, 'confirming a committed erasure failed; the restore guard settles its ledger intent at the next start');
    }
  }

  private async certify(tx: EntityManager, actor: Actor, c: Certify): Promise<Certificate> {
    const counts = { customersAffected: c.destroyed.customersAffected, keysDestroyed: c.destroyed.keysDestroyed };
    const reference = c.grounds.reference ?? null;
    // Late in the transaction: from the append to the commit, every other append waits.
    const entry = await this.auditLog.append(tx, { actor: actor.subject, action: c.action, scope: c.auditScope, certificateId: c.certificateId, reasonCode: c.grounds.reasonCode, reference });
    return this.certificates.issue(
      tx,
      {
        certificateId: c.certificateId,
        kind: c.kind,
        scope: c.scope,
        mode: c.mode,
        reasonCode: c.grounds.reasonCode,
        reference,
        requestedBy: actor.subject,
        ...counts,
        keysDestroyedAt: entry.at,
        auditHead: { seq: entry.seq, hash: entry.hash },
      },
      { controllerId: c.controllerId, kekVersions: c.destroyed.kekVersions },
    );
  }
}
