import { Command } from '@nestjs/cqrs';
import type { CampaignDefinition, Retention } from '../../../domain/events';
import type { CommandOutcome, CommandRequest } from '../../command-executor';

type Defaulted = 'budgets' | 'responseCodes' | 'timeZone';

/** A campaign as requested: the server picks the id; budgets, codes, time zone and retention are optional. */
export type NewCampaign = Omit<CampaignDefinition, 'campaignId' | Defaulted | 'retention'> & Partial<Pick<CampaignDefinition, Defaulted>> & { retention?: Retention };

export class CreateCampaignCommand extends Command<CommandOutcome<{ campaignId: string; position: string }>> {
  constructor(
    readonly request: CommandRequest,
    readonly campaign: NewCampaign,
  ) {
    super();
  }
}
