import { Command } from '@nestjs/cqrs';
import type { InteractionCommand } from '../../../domain/customer.decider';
import type { CommandOutcome, CommandRequest } from '../../command-executor';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type InteractionInput = DistributiveOmit<InteractionCommand, 'interactionId' | 'now'>;

/** SMS, e-mail, call, response or sale on one customer. */
export class RecordInteractionCommand extends Command<CommandOutcome<{ interactionId: string; position: string }>> {
  constructor(
    readonly request: CommandRequest,
    readonly customerId: string,
    readonly interaction: InteractionInput,
  ) {
    super();
  }
}
