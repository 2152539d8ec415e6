import { Command } from '@nestjs/cqrs';
import type { DetailsPatch } from '../../../domain/customer-details';
import type { CommandOutcome, CommandRequest } from '../../command-executor';

/** PATCH /v1/customers/:id: a JSON Merge Patch of name, email, phone and fields. */
export class ChangeCustomerDetailsCommand extends Command<CommandOutcome<{ position: string }>> {
  constructor(
    readonly request: CommandRequest,
    readonly customerId: string,
    readonly patch: DetailsPatch,
  ) {
    super();
  }
}
