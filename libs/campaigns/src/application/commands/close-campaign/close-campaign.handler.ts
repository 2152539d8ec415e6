import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { campaignDecider } from '../../../domain/campaign.decider';
import { streams } from '../../../domain/events';
import { CampaignLookups } from '../../campaign-lookups';
import { CLOCK, type Clock } from '../../clock';
import { CommandExecutor } from '../../command-executor';
import { StreamDecisions } from '../../stream-decisions';
import { CloseCampaignCommand } from './close-campaign.command';

@CommandHandler(CloseCampaignCommand)
export class CloseCampaignHandler implements ICommandHandler<CloseCampaignCommand> {
  constructor(
    @Inject(CommandExecutor) private readonly executor: CommandExecutor,
    @Inject(StreamDecisions) private readonly decisions: StreamDecisions,
    @Inject(CampaignLookups) private readonly lookups: CampaignLookups,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ request, campaignId }: CloseCampaignCommand) {
    return this.executor.execute(request, async (tx) => {
      await this.lookups.campaignInScope(tx, request.principal, campaignId, { writable: true });
      const command = { type: 'CloseCampaign' as const, campaignId, now: this.clock.now().toISOString() };
      const { result } = await this.decisions.decide(tx, campaignDecider, streams.campaign(campaignId), command, { actor: request.principal.subject, correlationId: request.correlationId });
      return { status: 200, body: { position: result.positions.at(-1)! } };
    });
  }
}
