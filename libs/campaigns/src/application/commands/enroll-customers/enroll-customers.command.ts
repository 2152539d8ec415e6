import { Command } from '@nestjs/cqrs';
import type { CustomerPersonal } from '../../../domain/events';
import type { CommandOutcome, CommandRequest } from '../../command-executor';

export interface EnrollmentInput extends CustomerPersonal {
  customerRef: string;
}

/** Up to 10,000 customers into one campaign, all or nothing. */
export class EnrollCustomersCommand extends Command<CommandOutcome<{ customerIds: string[]; position: string }>> {
  constructor(
    readonly request: CommandRequest,
    readonly campaignId: string,
    readonly customers: EnrollmentInput[],
  ) {
    super();
  }
}
