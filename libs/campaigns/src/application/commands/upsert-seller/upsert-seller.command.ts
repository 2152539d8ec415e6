import { Command } from '@nestjs/cqrs';
import type { CommandOutcome, CommandRequest } from '../../command-executor';

export class UpsertSellerCommand extends Command<CommandOutcome<{ id: string; position: string }>> {
  constructor(
    readonly request: CommandRequest,
    readonly sellerId: string,
    readonly name: string,
  ) {
    super();
  }
}
