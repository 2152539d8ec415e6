import { CampaignKeyspaces } from '@app/crypto-shredding';
import { assertControllerScope } from '@app/platform';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { campaignDecider } from '../../../domain/campaign.decider';
import { streams } from '../../../domain/events';
import { CampaignLookups } from '../../campaign-lookups';
import { CLOCK, type Clock, ID_GENERATOR, type IdGenerator } from '../../clock';
import { CommandExecutor } from '../../command-executor';
import { StreamDecisions } from '../../stream-decisions';
import { CreateCampaignCommand } from './create-campaign.command';

@CommandHandler(CreateCampaignCommand)
export class CreateCampaignHandler implements ICommandHandler<CreateCampaignCommand> {
  constructor(
    @Inject(CommandExecutor) private readonly executor: CommandExecutor,
    @Inject(StreamDecisions) private readonly decisions: StreamDecisions,
    @Inject(CampaignKeyspaces) private readonly keyspaces: CampaignKeyspaces,
    @Inject(CampaignLookups) private readonly lookups: CampaignLookups,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
  ) {}

  execute({ request, campaign }: CreateCampaignCommand) {
    assertControllerScope(request.principal, campaign.controllerId);
    return this.executor.execute(request, async (tx) => {
      const campaignId = this.newId();
      const controllerExists = await this.decisions.exists(tx, streams.controller(campaign.controllerId));
      const registeredSellers = await this.lookups.registeredSellers(tx, (campaign.budgets ?? []).map((budget) => budget.sellerId));
      const command = { type: 'CreateCampaign' as const, campaignId, controllerExists, registeredSellers, ...campaign, now: this.clock.now().toISOString() };
      const { result } = await this.decisions.decide(tx, campaignDecider, streams.campaign(campaignId), command, { actor: request.principal.subject, correlationId: request.correlationId });
      // The keyspace every customer key of the campaign hangs off; anonymization closes it.
      await this.keyspaces.open(tx, campaignId, campaign.controllerId);
      return { status: 201, body: { campaignId, position: result.positions.at(-1)! } };
    });
  }
}
