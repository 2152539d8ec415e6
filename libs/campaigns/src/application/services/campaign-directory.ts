import { ALL_CONTROLLERS } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Which campaigns exist, for jobs that walk all of them (the retention scheduler). Every campaign
 * opens its keyspace row when it is created, in the creating transaction, so the keyspaces are the
 * list; the campaign's facts come from its stream (CampaignRecords.campaignFacts).
 */
@Injectable()
export class CampaignDirectory {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Campaign ids of these controllers (`*`: all), oldest first. */
  async campaignIds(controllers: readonly string[]): Promise<{ campaignId: string; controllerId: string }[]> {
    const all = controllers.includes(ALL_CONTROLLERS);
    const rows: { campaign_id: string; controller_id: string }[] = await this.dataSource.query(
      `SELECT campaign_id, controller_id FROM crypto.campaign_keyspaces WHERE $1 OR controller_id = ANY($2::text[]) ORDER BY opened_at, campaign_id`,
      [all, [...controllers]],
    );
    return rows.map((row) => ({ campaignId: row.campaign_id, controllerId: row.controller_id }));
  }
}
