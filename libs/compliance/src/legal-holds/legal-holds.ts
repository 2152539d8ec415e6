import { type Actor, CampaignRecords, CommandExecutor, type CommandRequest, DomainError, type LegalHold } from '@app/campaigns';
import { coversController } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditLog } from '../audit/audit-log';
import type { AuditScope } from '../domain/audit-entry';
import type { Grounds } from '../domain/reason-codes';

export type HoldTarget = { campaignId: string } | { customerId: string };

const unknownCampaign = () => new DomainError('not-found', 'unknown-campaign', 'no such campaign');
const unknownCustomer = () => new DomainError('not-found', 'unknown-customer', 'no such customer');

const sameHold = (a: LegalHold | null, b: LegalHold) => a !== null && a.reasonCode === b.reasonCode && a.reference === b.reference && a.placedAt === b.placedAt;

/**
 * Legal holds on a campaign or a customer (Art. 17(3)(e)): placed and released through
 * CampaignRecords, each with its audit entry (ids and the reason code only) in the same transaction.
 */
@Injectable()
export class LegalHolds {
  constructor(
    @Inject(CommandExecutor) private readonly executor: CommandExecutor,
    @Inject(CampaignRecords) private readonly records: CampaignRecords,
    @Inject(AuditLog) private readonly auditLog: AuditLog,
  ) {}

  /** Places the hold, or replaces one with another reason or reference; the same hold again records nothing and writes no audit entry. */
  async place(request: CommandRequest, target: HoldTarget, grounds: Grounds): Promise<{ legalHold: LegalHold; position: string }> {
    const outcome = await this.executor.execute(request, async (tx) => {
      const { scope, hold: before, target: normalized } = await this.inScope(tx, request, target);
      const actor = this.actorOf(request);
      const placed = await this.records.placeLegalHold(tx, normalized, { reasonCode: grounds.reasonCode, reference: grounds.reference ?? null, actor });
      if (!sameHold(before, placed.legalHold)) {
        await this.auditLog.append(tx, { actor: actor.subject, action: 'legal-hold.placed', scope, reasonCode: grounds.reasonCode, reference: grounds.reference ?? null });
      }
      return { status: 200, body: { legalHold: placed.legalHold, position: placed.position } };
    });
    return outcome.body;
  }

  /** Releases the hold in place (none: 409 `no-legal-hold`). */
  async release(request: CommandRequest, target: HoldTarget): Promise<{ position: string }> {
    const outcome = await this.executor.execute(request, async (tx) => {
      const { scope, target: normalized } = await this.inScope(tx, request, target);
      const actor = this.actorOf(request);
      const released = await this.records.releaseLegalHold(tx, normalized, actor);
      await this.auditLog.append(tx, { actor: actor.subject, action: 'legal-hold.released', scope });
      return { status: 200, body: { position: released.position } };
    });
    return outcome.body;
  }

  /** Existence and scope (one 404 for both), the audit scope, and the hold in place now. */
  private async inScope(tx: EntityManager, request: CommandRequest, target: HoldTarget): Promise<{ scope: AuditScope; hold: LegalHold | null; target: HoldTarget }> {
    if ('campaignId' in target) {
      const campaignId = target.campaignId.toLowerCase();
      const facts = await this.records.campaignFacts(tx, campaignId);
      if (!facts || !coversController(request.principal, facts.controllerId)) throw unknownCampaign();
      return { scope: { controllerId: facts.controllerId, campaignId }, hold: facts.legalHold, target: { campaignId } };
    }
    const customerId = target.customerId.toLowerCase();
    const facts = await this.records.customerFacts(tx, customerId);
    if (!facts || !coversController(request.principal, facts.controllerId)) throw unknownCustomer();
    return { scope: { controllerId: facts.controllerId, campaignId: facts.campaignId, customerIds: [customerId] }, hold: facts.legalHold, target: { customerId } };
  }

  private actorOf(request: CommandRequest): Actor {
    return { subject: request.principal.subject, correlationId: request.correlationId };
  }
}
