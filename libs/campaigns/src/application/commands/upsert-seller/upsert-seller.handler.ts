import { CampaignKeyspaces, DataKeyStore } from '@app/crypto-shredding';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '../../../domain/domain-error';
import { streams } from '../../../domain/events';
import { sellerDecider } from '../../../domain/seller.decider';
import { CLOCK, type Clock } from '../../clock';
import { CommandExecutor } from '../../command-executor';
import { StreamDecisions } from '../../stream-decisions';
import { UpsertSellerCommand } from './upsert-seller.command';

@CommandHandler(UpsertSellerCommand)
export class UpsertSellerHandler implements ICommandHandler<UpsertSellerCommand> {
  constructor(
    @Inject(CommandExecutor) private readonly executor: CommandExecutor,
    @Inject(StreamDecisions) private readonly decisions: StreamDecisions,
    @Inject(DataKeyStore) private readonly keys: DataKeyStore,
    @Inject(CampaignKeyspaces) private readonly keyspaces: CampaignKeyspaces,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ request, sellerId, name }: UpsertSellerCommand) {
    return this.executor.execute(request, async (tx) => {
      // The seller's own key: staff data is never shredded with customers.
      const key = await this.keys.getOrCreate(tx, { scope: 'seller', subjectId: sellerId, campaignId: null, controllerId: null });
      // FOR SHARE on the key row, as appends to customers take it: an erasure either waits for this
      // rename (and then shreds it) or has won, and this is a 410. The read above takes no lock.
      if (!(await this.keyspaces.lockLiveKey(tx, key.keyId))) throw new DomainError('gone', 'seller-erased', 'the seller was erased');
      const command = { type: 'UpsertSeller' as const, sellerId, name, now: this.clock.now().toISOString() };
      const { result } = await this.decisions.decide(tx, sellerDecider, streams.seller(sellerId), command, {
        keys: { personal: key.keyId },
        actor: request.principal.subject,
        correlationId: request.correlationId,
      });
      return { status: 200, body: { id: sellerId, position: result.positions.at(-1)! } };
    });
  }
}
