import { BlindIndex, CampaignKeyspaces } from '@app/crypto-shredding';
import { assertWritesAsSeller } from '@app/platform';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CustomerCommand, customerDecider } from '../../../domain/customer.decider';
import { streams } from '../../../domain/events';
import { CampaignLookups } from '../../campaign-lookups';
import { CLOCK, type Clock, ID_GENERATOR, type IdGenerator } from '../../clock';
import { CommandExecutor } from '../../command-executor';
import { e164OrAsGiven } from '../../identifier-problem';
import { StreamDecisions } from '../../stream-decisions';
import { RecordInteractionCommand } from './record-interaction.command';

@CommandHandler(RecordInteractionCommand)
export class RecordInteractionHandler implements ICommandHandler<RecordInteractionCommand> {
  constructor(
    @Inject(CommandExecutor) private readonly executor: CommandExecutor,
    @Inject(StreamDecisions) private readonly decisions: StreamDecisions,
    @Inject(CampaignLookups) private readonly lookups: CampaignLookups,
    @Inject(CampaignKeyspaces) private readonly keyspaces: CampaignKeyspaces,
    @Inject(BlindIndex) private readonly blindIndex: BlindIndex,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
  ) {}

  execute({ request, customerId, interaction }: RecordInteractionCommand) {
    // Before any lookup: the answer then says nothing about the customer.
    assertWritesAsSeller(request.principal, interaction.sellerId);
    return this.executor.execute(request, async (tx) => {
      // FOR SHARE on the customer's row: an archiving in flight is waited for, and then refuses this (409).
      const { customer, keys } = await this.lookups.customerInScope(tx, request.principal, customerId, { lock: 'share' });
      // FOR SHARE on the customer's key: an anonymization either waits for this write (and then
      // shreds it) or has already won, and this fails with 410.
      await this.keyspaces.lockCustomerKey(tx, keys.contentKeyId);
      const context = {
        campaign: await this.lookups.campaign(tx, customer.campaignId),
        sellerExists: await this.lookups.sellerExists(tx, interaction.sellerId),
        archived: customer.archived,
      };
      const interactionId = this.newId();
      const phone = 'phone' in interaction ? { phone: e164OrAsGiven(this.blindIndex, interaction.phone) } : {};
      const command = { ...interaction, ...phone, interactionId, now: this.clock.now().toISOString(), context } as CustomerCommand;
      const { result } = await this.decisions.decide(tx, customerDecider, streams.customer(customerId), command, {
        keys: { personal: keys.contentKeyId },
        actor: request.principal.subject,
        correlationId: request.correlationId,
      });
      return { status: 201, body: { interactionId, position: result.positions.at(-1)! }, customerIds: [customerId] };
    });
  }
}
