import { Command } from '@nestjs/cqrs';
import type { CommandOutcome, CommandRequest } from '../../command-executor';

export type ArchiveOutcome = { archived: number; position: string } | { unarchived: number; position: string };

/** POST /v1/campaigns/:id/archive and /unarchive: the given customers, or (`null`) all of them. */
export class ArchiveCustomersCommand extends Command<CommandOutcome<ArchiveOutcome>> {
  constructor(
    readonly request: CommandRequest,
    readonly campaignId: string,
    readonly customerIds: string[] | null,
    readonly archive: boolean,
  ) {
    super();
  }
}
