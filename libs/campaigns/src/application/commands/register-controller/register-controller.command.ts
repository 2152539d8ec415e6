import { Command } from '@nestjs/cqrs';
import type { CommandOutcome, CommandRequest } from '../../command-executor';

export class RegisterControllerCommand extends Command<CommandOutcome<{ id: string; position: string }>> {
  constructor(
    readonly request: CommandRequest,
    readonly controllerId: string,
    readonly name: string,
  ) {
    super();
  }
}
