import { CampaignKeyspaces } from '@app/crypto-shredding';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { campaignDecider } from '../../../domain/campaign.decider';
import { streams } from '../../../domain/events';
import { CustomerListReadModel } from '../../../read-models/customer-list.read-model';
import { CampaignLookups } from '../../campaign-lookups';
import { CLOCK, type Clock } from '../../clock';
import { CommandExecutor } from '../../command-executor';
import { StreamDecisions } from '../../stream-decisions';
import { ArchiveCustomersCommand } from './archive-customers.command';

/**
 * One small event on the campaign stream and one UPDATE of the customer list, however many
 * customers: archiving all 20,000 of a campaign names none of them. Archived customers stay
 * readable; the interaction path reads `archived_at` under its row lock and refuses them.
 */
@CommandHandler(ArchiveCustomersCommand)
export class ArchiveCustomersHandler implements ICommandHandler<ArchiveCustomersCommand> {
  constructor(
    @Inject(CommandExecutor) private readonly executor: CommandExecutor,
    @Inject(StreamDecisions) private readonly decisions: StreamDecisions,
    @Inject(CampaignLookups) private readonly lookups: CampaignLookups,
    @Inject(CampaignKeyspaces) private readonly keyspaces: CampaignKeyspaces,
    @Inject(CustomerListReadModel) private readonly customerList: CustomerListReadModel,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ request, campaignId, customerIds, archive }: ArchiveCustomersCommand) {
    const ids = customerIds?.map((id) => id.toLowerCase()) ?? null;
    return this.executor.execute(request, async (tx) => {
      await this.lookups.campaignInScope(tx, request.principal, campaignId);
      // "All" means every customer enrolled before the event: FOR UPDATE on the keyspace waits
      // for enrollments in flight and holds new ones back until this commits.
      if (archive && ids === null) await this.keyspaces.lockForDestroy(tx, campaignId);
      const now = this.clock.now().toISOString();
      // The selection is read after the stream is loaded: an archiving committed in between makes
      // the append fail on its revision and the whole command retry, so the count is never stale.
      const { events, position } = await this.decisions.decideWith(
        tx,
        campaignDecider,
        streams.campaign(campaignId),
        async () => ({ type: archive ? ('ArchiveCustomers' as const) : ('UnarchiveCustomers' as const), customerIds: ids, selection: await this.customerList.selection(tx, campaignId, ids), now }),
        { actor: request.principal.subject, correlationId: request.correlationId },
      );
      const changed = events.length > 0 ? await this.customerList.setArchived(tx, campaignId, ids, archive ? now : null) : 0;
      return { status: 200, body: archive ? { archived: changed, position } : { unarchived: changed, position } };
    });
  }
}
