import { randomUUID } from 'node:crypto';
import { AuditLog, type Certificate, Certificates } from '@app/compliance';
import { type DestroyResult, KeyShredder } from '@app/crypto-shredding';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ErasureRecord {
  certificate: Certificate;
  destroyed: DestroyResult;
}

/**
 * What an anonymization does with the compliance records, straight through the services: destroy
 * the campaign's keys, append the audit entry and issue the certificate in one transaction, then
 * confirm the destroy.
 */
export async function recordCampaignErasure(
  app: INestApplicationContext,
  erasure: { campaignId: string; controllerId: string; actor?: string; mode?: 'standard' | 'full' },
): Promise<ErasureRecord> {
  const { campaignId, controllerId, actor = 'officer-7', mode = 'full' } = erasure;
  const [dataSource, shredder, auditLog, certificates] = [app.get(DataSource), app.get(KeyShredder), app.get(AuditLog), app.get(Certificates)];
  const certificateId = randomUUID();
  const scopes = mode === 'full' ? (['content', 'reference'] as const) : (['content'] as const);
  const result = await dataSource.transaction(async (tx) => {
    const destroyed = await shredder.destroy(tx, { campaignId, scopes: [...scopes] }, { actor, certificateId });
    const counts = { customersAffected: destroyed.customersAffected, keysDestroyed: destroyed.keysDestroyed };
    const entry = await auditLog.append(tx, {
      actor,
      action: 'campaign.anonymized',
      scope: { controllerId, campaignId, mode, ...counts },
      certificateId,
      reasonCode: 'purpose-fulfilled',
      reference: 'TICKET-4711',
    });
    const certificate = await certificates.issue(
      tx,
      {
        certificateId,
        kind: 'campaign-anonymization',
        scope: { campaignId },
        mode,
        reasonCode: 'purpose-fulfilled',
        reference: 'TICKET-4711',
        requestedBy: actor,
        ...counts,
        keysDestroyedAt: entry.at,
        auditHead: { seq: entry.seq, hash: entry.hash },
      },
      { controllerId, kekVersions: destroyed.kekVersions },
    );
    return { certificate, destroyed };
  });
  await shredder.confirm(result.destroyed, { vacuum: false });
  return result;
}
