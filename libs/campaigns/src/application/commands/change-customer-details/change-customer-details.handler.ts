import { BlindIndex, CampaignKeyspaces } from '@app/crypto-shredding';
import { SealingEventStore } from '@app/event-store';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EntityManager } from 'typeorm';
import { applyDetailsChange, DETAIL_KEYS, type DetailsPatch } from '../../../domain/customer-details';
import { customerDecider } from '../../../domain/customer.decider';
import { DomainError } from '../../../domain/domain-error';
import { type CustomerDetailsChanged, type CustomerPersonal, streams } from '../../../domain/events';
import { CustomerListReadModel } from '../../../read-models/customer-list.read-model';
import { CampaignLookups } from '../../campaign-lookups';
import { CLOCK, type Clock } from '../../clock';
import { CommandExecutor } from '../../command-executor';
import { currentDetails } from '../../customer-view';
import { assertIdentifiers } from '../../identifier-problem';
import type { LoadedStream } from '../../stream-decisions';
import { StreamDecisions } from '../../stream-decisions';
import { ChangeCustomerDetailsCommand } from './change-customer-details.command';

/**
 * A merge patch is folded into the current fields here, at the write, and the event carries the
 * whole resulting set: every CustomerDetailsChanged already stored means "these are the values
 * now", and readers (card, list, exports) keep replacing instead of each re-implementing RFC 7396
 * and telling old events from new ones. The price is opening the customer's details events inside
 * this (rare) command; the decision stays pure, its state still holds nothing personal, and the
 * append expects the revision those events were read at, so a concurrent change retries the merge.
 */
@CommandHandler(ChangeCustomerDetailsCommand)
export class ChangeCustomerDetailsHandler implements ICommandHandler<ChangeCustomerDetailsCommand> {
  constructor(
    @Inject(CommandExecutor) private readonly executor: CommandExecutor,
    @Inject(StreamDecisions) private readonly decisions: StreamDecisions,
    @Inject(SealingEventStore) private readonly store: SealingEventStore,
    @Inject(CampaignLookups) private readonly lookups: CampaignLookups,
    @Inject(CampaignKeyspaces) private readonly keyspaces: CampaignKeyspaces,
    @Inject(BlindIndex) private readonly blindIndex: BlindIndex,
    @Inject(CustomerListReadModel) private readonly customerList: CustomerListReadModel,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ request, customerId, patch: given }: ChangeCustomerDetailsCommand) {
    // Only what was sent changes; null removes. E-mail and phone are indexed: set ones must normalize.
    const patch: DetailsPatch = Object.fromEntries(DETAIL_KEYS.filter((key) => given[key] !== undefined).map((key) => [key, given[key]]));
    const touched = (['email', 'phone'] as const).filter((kind) => patch[kind] !== undefined);
    const set = touched.filter((kind) => typeof patch[kind] === 'string');
    const normalized = assertIdentifiers(this.blindIndex, set.map((kind) => ({ field: kind, kind, value: patch[kind]! })));
    if (typeof patch.phone === 'string') patch.phone = normalized.get('phone')!; // stored in E.164, as enrollment does
    return this.executor.execute(request, async (tx) => {
      // The row FOR UPDATE first: this command rewrites it after appending, and a hold or another
      // change of this customer that appended first would otherwise wait for it while it waits for them.
      const { customer, keys } = await this.lookups.customerInScope(tx, request.principal, customerId, { lock: 'update' });
      await this.keyspaces.lockCustomerKey(tx, keys.contentKeyId);
      const context = { campaign: await this.lookups.campaign(tx, customer.campaignId), sellerExists: true, archived: customer.archived };
      let before: CustomerPersonal = {};
      const { events, result } = await this.decisions.decideWith(
        tx,
        customerDecider,
        streams.customer(customerId),
        async (loaded) => {
          before = await this.detailsOf(tx, loaded);
          return { type: 'ChangeCustomerDetails' as const, customerId, patch, currentFields: before.fields ?? null, now: this.clock.now().toISOString(), context };
        },
        { keys: { personal: keys.contentKeyId }, actor: request.principal.subject, correlationId: request.correlationId },
      );

      // The blind index follows the change: old e-mail/phone rows go, new ones come.
      if (touched.length > 0) {
        await this.blindIndex.remove(tx, customerId, touched);
        const entries = set.map((kind) => ({ customerId, campaignId: customer.campaignId, controllerId: customer.controllerId, keyId: keys.contentKeyId, kind, value: patch[kind]!, normalized: normalized.get(kind) }));
        if (entries.length > 0) await this.blindIndex.put(tx, entries);
      }
      const after = applyDetailsChange(before, (events[0] as CustomerDetailsChanged).personal);
      await this.customerList.updatePersonal(tx, customerId, keys.contentKeyId, after);
      return { status: 200, body: { position: result.positions.at(-1)! }, customerIds: [customerId] };
    });
  }

  /** The details as the loaded events leave them: only enrollment and details events are opened. */
  private async detailsOf(tx: EntityManager, loaded: LoadedStream<unknown>): Promise<CustomerPersonal> {
    const detailEvents = loaded.events.filter((event) => event.type === 'CustomerEnrolled' || event.type === 'CustomerDetailsChanged');
    const details = currentDetails(await this.store.open(detailEvents, tx));
    // The content key is locked live above, so its events open; null means they did not.
    if (!details) throw new DomainError('gone', 'customer-anonymized', 'the customer has been anonymized');
    return details;
  }
}
