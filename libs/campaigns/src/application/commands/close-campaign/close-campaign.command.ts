import { Command } from '@nestjs/cqrs';
import type { CommandOutcome, CommandRequest } from '../../command-executor';

export class CloseCampaignCommand extends Command<CommandOutcome<{ position: string }>> {
  constructor(
    readonly request: CommandRequest,
    readonly campaignId: string,
  ) {
    super();
  }
}
