import { BlindIndex, DataKeyStore, type IndexEntry, Keyring } from '@app/crypto-shredding';
import { SealingEventStore } from '@app/event-store';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EntityManager } from 'typeorm';
import { decideEnrollment } from '../../../domain/customer.decider';
import { DomainError } from '../../../domain/domain-error';
import { type CustomerPersonal, streams } from '../../../domain/events';
import { CustomerListReadModel } from '../../../read-models/customer-list.read-model';
import { CampaignLookups } from '../../campaign-lookups';
import { CLOCK, type Clock, ID_GENERATOR, type IdGenerator } from '../../clock';
import { CommandExecutor } from '../../command-executor';
import { assertIdentifiers } from '../../identifier-problem';
import { EnrollCustomersCommand, type EnrollmentInput } from './enroll-customers.command';

const personalOf = ({ customerRef: _ref, ...personal }: EnrollmentInput): CustomerPersonal =>
  Object.fromEntries(Object.entries(personal).filter(([, value]) => value !== undefined));

/** Sends `write`, runs `work` while the database executes it, then waits for both. */
async function whileWriting<T>(write: Promise<unknown>, work: () => T | Promise<T>): Promise<T> {
  await new Promise((resolve) => setImmediate(resolve)); // let the statement leave first
  try {
    return await work();
  } finally {
    await write;
  }
}

/**
 * One transaction for the whole batch: keys in bulk, blind-index rows for customerRef, e-mail and
 * phone, the events, and the customer list. Any refusal writes nothing.
 */
@CommandHandler(EnrollCustomersCommand)
export class EnrollCustomersHandler implements ICommandHandler<EnrollCustomersCommand> {
  constructor(
    @Inject(CommandExecutor) private readonly executor: CommandExecutor,
    @Inject(CampaignLookups) private readonly lookups: CampaignLookups,
    @Inject(DataKeyStore) private readonly keys: DataKeyStore,
    @Inject(Keyring) private readonly keyring: Keyring,
    @Inject(BlindIndex) private readonly blindIndex: BlindIndex,
    @Inject(SealingEventStore) private readonly store: SealingEventStore,
    @Inject(CustomerListReadModel) private readonly customerList: CustomerListReadModel,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
  ) {}

  execute({ request, campaignId, customers }: EnrollCustomersCommand) {
    const normalized = assertIdentifiers(
      this.blindIndex,
      customers.flatMap((c, i) => [
        ...(c.email !== undefined ? [{ field: `customers[${i}].email`, kind: 'email' as const, value: c.email }] : []),
        ...(c.phone !== undefined ? [{ field: `customers[${i}].phone`, kind: 'phone' as const, value: c.phone }] : []),
      ]),
    );
    return this.executor.execute(request, async (tx) => {
      // FOR SHARE on the keyspace: enrollment racing an anonymization is either shredded with it or refused.
      const campaign = await this.lookups.campaignInScope(tx, request.principal, campaignId, { writable: true });
      const now = this.clock.now().toISOString();
      // Phones are stored (and so returned) in the E.164 form the blind index keys them by.
      const rows = customers.map((c, i) => {
        const personal = personalOf(c);
        if (personal.phone !== undefined) personal.phone = normalized.get(`customers[${i}].phone`)!;
        return { customerId: this.newId(), customerRef: c.customerRef, personal };
      });
      const events = decideEnrollment(campaign, rows, now);
      await this.assertReferencesFree(tx, campaign.controllerId, campaignId, rows.map((r) => r.customerRef));

      // Each statement is sent before the CPU work (wrapping, hashing, sealing) for the next one,
      // so PostgreSQL (another core) writes while this process prepares.
      const keys = this.keys.prepareMany(
        await this.keyring.wrappingKek(tx),
        rows.flatMap((row) => [
          { scope: 'content' as const, subjectId: row.customerId, campaignId, controllerId: campaign.controllerId },
          { scope: 'reference' as const, subjectId: row.customerId, campaignId, controllerId: campaign.controllerId },
        ]),
      );
      const indexKey = await this.keyring.activeIndexKey(tx);
      const created = keys.created;
      const keysOf = (i: number) => ({ content: created[2 * i].keyId, reference: created[2 * i + 1].keyId });
      const knownKeys = new Map(created.map((key) => [key.keyId, key.dek]));

      const indexRows = await whileWriting(this.keys.insertPrepared(tx, keys), () => {
        const index: IndexEntry[] = [];
        rows.forEach((row, i) => {
          const { content, reference } = keysOf(i);
          const base = { customerId: row.customerId, campaignId, controllerId: campaign.controllerId };
          index.push({ ...base, keyId: reference, kind: 'customer_ref', value: row.customerRef });
          const { email, phone } = row.personal;
          if (email !== undefined) index.push({ ...base, keyId: content, kind: 'email', value: email, normalized: normalized.get(`customers[${i}].email`) });
          if (phone !== undefined) index.push({ ...base, keyId: content, kind: 'phone', value: phone, normalized: normalized.get(`customers[${i}].phone`) });
        });
        return this.blindIndex.prepareRows(indexKey, index);
      });
      const metadata = { actor: request.principal.subject, ...(request.correlationId ? { correlationId: request.correlationId } : {}) };
      const streamsToAppend = await whileWriting(this.blindIndex.insertPrepared(tx, indexRows), () =>
        this.store.prepareNewStreams(
          rows.map((row, i) => ({ streamId: streams.customer(row.customerId), events: [events[i]], keys: { personal: keysOf(i).content, reference: keysOf(i).reference } })),
          { knownKeys, metadata },
        ),
      );
      const appending = this.store.appendPrepared(streamsToAppend, tx);
      const listRows = await whileWriting(appending, () =>
        this.customerList.prepareRows(
          rows.map((row, i) => ({
            customerId: row.customerId,
            campaignId,
            controllerId: campaign.controllerId,
            enrolledAt: now,
            personal: row.personal,
            customerRef: events[i].reference.customerRef,
            contentKeyId: keysOf(i).content,
            referenceKeyId: keysOf(i).reference,
          })),
          undefined,
          knownKeys,
        ),
      );
      const appended = await appending;
      await this.customerList.insertPrepared(tx, listRows);
      const customerIds = rows.map((row) => row.customerId);
      return { status: 201, body: { customerIds, position: appended.positions.at(-1)! }, customerIds };
    });
  }

  /** 409 when a customerRef belongs to a live customer of the campaign (the unique index is the backstop). */
  private async assertReferencesFree(tx: EntityManager, controllerId: string, campaignId: string, refs: string[]): Promise<void> {
    const taken = await this.blindIndex.findMany(controllerId, 'customer_ref', refs, tx, campaignId);
    const index = taken.findIndex((matches) => matches.some((m) => m.live));
    if (index >= 0) {
      throw new DomainError('conflict', 'duplicate-customer-ref', `customers[${index}].customerRef is already enrolled in this campaign`, `customers[${index}].customerRef`);
    }
  }
}
