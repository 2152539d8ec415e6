import { CampaignDirectory, CampaignRecords, DomainError, IdempotencyStore } from '@app/campaigns';
import { ALL_CONTROLLERS, type Principal } from '@app/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Anonymizations } from '../anonymization/anonymizations';
import { COMPLIANCE_CLOCK, type ComplianceClock } from '../clock';
import type { AnonymizationMode } from '../domain/anonymization-rules';
import { retentionDue } from '../domain/retention-rules';

/** The actor and reason code of everything the retention policy does (audit entries, certificates, events). */
export const RETENTION_ACTOR = 'retention-policy';

export interface DueCampaign {
  campaignId: string;
  controllerId: string;
  mode: AnonymizationMode;
  dueSince: string;
  /** The reason code of the hold that stops it (the campaign's, or one of its customers'), else null. */
  held: string | null;
}

export interface RetentionRun {
  anonymized: { campaignId: string; mode: AnonymizationMode; certificateId: string }[];
  held: DueCampaign[];
  failed: { campaignId: string; mode: AnonymizationMode }[];
  idempotencyRecordsPurged: number;
}

/** The retention policy acts for every controller; its subject is the actor the audit log keeps. */
const retentionPrincipal: Principal = { subject: RETENTION_ACTOR, roles: ['admin'], controllers: [ALL_CONTROLLERS] };

/**
 * Each campaign's retention policy: what is due (the dry run) and applying it. Anonymizations go
 * through `Anonymizations.anonymizeCampaign`, the path the routes take (locks, hold checks,
 * certificates), with actor and reason code `retention-policy`; each one is its own transaction.
 */
@Injectable()
export class Retention {
  private readonly logger = new Logger(Retention.name);

  constructor(
    @Inject(CampaignDirectory) private readonly directory: CampaignDirectory,
    @Inject(CampaignRecords) private readonly records: CampaignRecords,
    @Inject(Anonymizations) private readonly anonymizations: Anonymizations,
    @Inject(IdempotencyStore) private readonly idempotency: IdempotencyStore,
    @Inject(COMPLIANCE_CLOCK) private readonly clock: ComplianceClock,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /** Campaigns of these controllers whose retention has expired, with the mode due and what holds them. */
  async due(controllers: readonly string[]): Promise<DueCampaign[]> {
    const now = this.clock.now();
    const due: DueCampaign[] = [];
    for (const { campaignId } of await this.directory.campaignIds(controllers)) {
      const facts = await this.records.campaignFacts(undefined, campaignId);
      if (!facts) continue;
      const next = retentionDue({ endsOn: facts.endsOn, timeZone: facts.timeZone, retention: facts.retention, applied: facts.anonymization?.mode ?? null }, now);
      if (!next) continue;
      const [heldCustomer] = facts.legalHold ? [] : await this.records.heldCustomers(undefined, campaignId);
      const held = facts.legalHold?.reasonCode ?? heldCustomer?.legalHold.reasonCode ?? null;
      due.push({ campaignId, controllerId: facts.controllerId, mode: next.mode, dueSince: next.dueSince.toISOString(), held });
    }
    return due;
  }

  /**
   * Applies what is due (the hold is checked again under the campaign's lock by the anonymization
   * itself: a hold placed since the listing is a 423 here, counted as held), then purges expired
   * idempotency records. One campaign failing does not stop the others; the next run retries it.
   */
  async apply(): Promise<RetentionRun> {
    const run: RetentionRun = { anonymized: [], held: [], failed: [], idempotencyRecordsPurged: 0 };
    for (const campaign of await this.due([ALL_CONTROLLERS])) {
      if (campaign.held) {
        run.held.push(campaign);
        this.logger.warn({ campaignId: campaign.campaignId, mode: campaign.mode, reasonCode: campaign.held }, 'retention due but the campaign is under a legal hold; skipped');
        continue;
      }
      try {
        const facts = (await this.records.campaignFacts(undefined, campaign.campaignId))!;
        const request = { principal: retentionPrincipal, route: `retention-policy ${campaign.campaignId}`, body: {} };
        const { certificate } = await this.anonymizations.anonymizeCampaign(request, campaign.campaignId, { mode: campaign.mode, reasonCode: 'retention-policy', confirm: facts.name });
        run.anonymized.push({ campaignId: campaign.campaignId, mode: campaign.mode, certificateId: certificate.certificateId });
        this.logger.log({ campaignId: campaign.campaignId, mode: campaign.mode, certificateId: certificate.certificateId }, 'retention policy applied');
      } catch (error) {
        if (error instanceof DomainError && error.kind === 'locked') {
          run.held.push({ ...campaign, held: String((error.details as { reasonCode?: string } | undefined)?.reasonCode ?? 'other') });
          this.logger.warn({ campaignId: campaign.campaignId, mode: campaign.mode }, 'retention due but a legal hold was placed meanwhile; skipped');
          continue;
        }
        if (error instanceof DomainError && error.code === 'already-anonymized') {
          // Anonymized by hand since the listing: nothing left for this run.
          this.logger.log({ campaignId: campaign.campaignId, mode: campaign.mode }, 'retention due but already anonymized meanwhile; skipped');
          continue;
        }
        run.failed.push({ campaignId: campaign.campaignId, mode: campaign.mode });
        this.logger.error({ err: error, campaignId: campaign.campaignId, mode: campaign.mode }, 'applying the retention policy failed; retried at the next run');
      }
    }
    run.idempotencyRecordsPurged = await this.idempotency.purgeExpired(this.dataSource, this.clock.now());
    return run;
  }
}
