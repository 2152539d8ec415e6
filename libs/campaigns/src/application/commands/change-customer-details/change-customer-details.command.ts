import { Command } from '@nestjs/cqrs';
import type { CustomerPersonal } from '../../../domain/events';
import type { CommandOutcome, CommandRequest } from '../../command-executor';

export class ChangeCustomerDetailsCommand extends Command<CommandOutcome<{ position: string }>> {
  constructor(
    readonly request: CommandRequest,
    readonly customerId: string,
    readonly personal: CustomerPersonal,
  ) {
    super();
  }
}
