import { CustomerCards, type CustomerCardWithCampaign } from '@app/campaigns';
import type { Principal } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log';
import { COMPLIANCE_CLOCK, COMPLIANCE_IDS, type ComplianceClock, type ComplianceIds } from '../clock';
import { dueAfterOneMonth, type SubjectMatch } from '../domain/data-subject-request';
import { RequestRegister } from './request-register';
import { SubjectLookup } from './subject-lookup';

export interface AccessRequest {
  controllerId: string;
  match: SubjectMatch;
  /** A ticket or case id for the register and the audit entry. */
  reference?: string;
}

/** One customer as the data subject receives it (Art. 15, machine-readable for Art. 20). */
export type AccessedCustomer = Pick<CustomerCardWithCampaign, 'customerId' | 'campaign' | 'status' | 'customerRef' | 'personal' | 'timeline'>;

export interface AccessAnswer {
  requestId: string;
  generatedAt: string;
  controllerId: string;
  customers: AccessedCustomer[];
}

/** Cards opened per call of CustomerCards.open (each reads its streams one by one). */
const PAGE = 200;

const accessed = (card: CustomerCardWithCampaign): AccessedCustomer => ({
  customerId: card.customerId,
  campaign: card.campaign,
  status: card.status,
  customerRef: card.customerRef,
  personal: card.personal,
  timeline: card.timeline,
});

/**
 * Access requests (Art. 15/20) by identifier: every customer of the controller the blind index
 * finds, opened (details, reference, timeline; what erasure destroyed shows as null). The answer
 * is read, audited (`access-request.answered`: controller, request id, how many customers) and
 * registered in one transaction. It is not stored anywhere, and so not replayed for an
 * Idempotency-Key: the answer holds personal data, and a repeat simply reads again.
 */
@Injectable()
export class AccessRequests {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(CustomerCards) private readonly cards: CustomerCards,
    @Inject(AuditLog) private readonly auditLog: AuditLog,
    @Inject(RequestRegister) private readonly register: RequestRegister,
    @Inject(SubjectLookup) private readonly lookup: SubjectLookup,
    @Inject(COMPLIANCE_CLOCK) private readonly clock: ComplianceClock,
    @Inject(COMPLIANCE_IDS) private readonly ids: ComplianceIds,
  ) {}

  /** 403 for a controller outside the principal's; 400 for a match that is not exactly one valid identifier. */
  async answer(principal: Principal, input: AccessRequest): Promise<AccessAnswer> {
    this.lookup.check(principal, input.controllerId, input.match);
    const receivedAt = this.clock.now();
    return this.dataSource.transaction(async (tx) => {
      const found = await this.lookup.find(tx, input.controllerId, input.match);
      const customers: AccessedCustomer[] = [];
      for (let start = 0; start < found.length; start += PAGE) {
        const cards = await this.cards.open(tx, found.slice(start, start + PAGE).map((m) => m.customerId));
        // The index is scoped by controller already; the card's own controller is checked again all the same.
        customers.push(...cards.filter((card) => card.controllerId === input.controllerId).map(accessed));
      }
      const requestId = this.ids.next();
      const entry = await this.auditLog.append(tx, {
        actor: principal.subject,
        action: 'access-request.answered',
        scope: { controllerId: input.controllerId, requestId, customers: customers.length },
        reasonCode: 'data-subject-request',
        reference: input.reference ?? null,
      });
      await this.register.record(tx, {
        requestId,
        kind: 'access',
        controllerId: input.controllerId,
        receivedAt: receivedAt.toISOString(),
        dueAt: dueAfterOneMonth(receivedAt).toISOString(),
        completedAt: entry.at,
        status: 'completed',
        reasonCode: 'data-subject-request',
        reference: input.reference ?? null,
        requestedBy: principal.subject,
      });
      return { requestId, generatedAt: entry.at, controllerId: input.controllerId, customers };
    });
  }
}
