import { BlindIndex, CampaignKeyspaces, type IdentifierKind } from '@app/crypto-shredding';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { customerDecider } from '../../../domain/customer.decider';
import { type CustomerPersonal, streams } from '../../../domain/events';
import { CustomerListReadModel } from '../../../read-models/customer-list.read-model';
import { CampaignLookups } from '../../campaign-lookups';
import { CLOCK, type Clock } from '../../clock';
import { CommandExecutor } from '../../command-executor';
import { assertIdentifiers } from '../../identifier-problem';
import { StreamDecisions } from '../../stream-decisions';
import { ChangeCustomerDetailsCommand } from './change-customer-details.command';

@CommandHandler(ChangeCustomerDetailsCommand)
export class ChangeCustomerDetailsHandler implements ICommandHandler<ChangeCustomerDetailsCommand> {
  constructor(
    @Inject(CommandExecutor) private readonly executor: CommandExecutor,
    @Inject(StreamDecisions) private readonly decisions: StreamDecisions,
    @Inject(CampaignLookups) private readonly lookups: CampaignLookups,
    @Inject(CampaignKeyspaces) private readonly keyspaces: CampaignKeyspaces,
    @Inject(BlindIndex) private readonly blindIndex: BlindIndex,
    @Inject(CustomerListReadModel) private readonly customerList: CustomerListReadModel,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ request, customerId, personal: given }: ChangeCustomerDetailsCommand) {
    // Only what was sent changes; absent fields keep their values.
    const personal: CustomerPersonal = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
    const changedKinds = (['email', 'phone'] as const).filter((kind) => personal[kind] !== undefined);
    const normalized = assertIdentifiers(this.blindIndex, changedKinds.map((kind) => ({ field: kind, kind, value: personal[kind]! })));
    if (personal.phone !== undefined) personal.phone = normalized.get('phone')!; // stored in E.164, as enrollment does
    return this.executor.execute(request, async (tx) => {
      const { customer, keys } = await this.lookups.customerInScope(tx, request.principal, customerId);
      await this.keyspaces.lockCustomerKey(tx, keys.contentKeyId);
      const context = { campaign: await this.lookups.campaign(tx, customer.campaignId), sellerExists: true };
      const command = { type: 'ChangeCustomerDetails' as const, customerId, personal, now: this.clock.now().toISOString(), context };
      const { result } = await this.decisions.decide(tx, customerDecider, streams.customer(customerId), command, {
        keys: { personal: keys.contentKeyId },
        actor: request.principal.subject,
        correlationId: request.correlationId,
      });

      // The blind index follows the change: old e-mail/phone rows go, new ones come.
      if (changedKinds.length > 0) {
        const entries = changedKinds.map((kind) => ({ customerId, campaignId: customer.campaignId, controllerId: customer.controllerId, keyId: keys.contentKeyId, kind: kind as IdentifierKind, value: personal[kind]! }));
        await this.blindIndex.remove(tx, customerId, changedKinds);
        await this.blindIndex.put(tx, entries);
      }
      const current = await this.customerList.get(tx, customerId);
      await this.customerList.updatePersonal(tx, customerId, keys.contentKeyId, { ...(current?.personal ?? {}), ...personal });
      return { status: 200, body: { position: result.positions.at(-1)! }, customerIds: [customerId] };
    });
  }
}
