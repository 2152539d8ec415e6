import { Command } from '@nestjs/cqrs';
import type { Budget, Product, Retention } from '../../../domain/events';
import type { CommandOutcome, CommandRequest } from '../../command-executor';

export interface NewCampaign {
  controllerId: string;
  name: string;
  purpose: string;
  startsOn: string;
  endsOn: string;
  currency: string;
  products: Product[];
  budgets?: Budget[];
  responseCodes?: string[];
  timeZone?: string;
  retention?: Retention;
}

export class CreateCampaignCommand extends Command<CommandOutcome<{ campaignId: string; position: string }>> {
  constructor(
    readonly request: CommandRequest,
    readonly campaign: NewCampaign,
  ) {
    super();
  }
}
