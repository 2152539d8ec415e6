import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { recordCampaignErasure } from '../../../../test/support/compliance-fixtures';
import { type CryptoContext, enroll, startCryptoContext } from '../../../../test/support/crypto-context';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { AuditLog } from '../audit/audit-log';
import { ComplianceRecordsModule } from '../compliance.module';
import type { Certificate } from '../domain/certificate';
import { InvalidComplianceRecord } from '../domain/compliance-record-error';
import { verifyCertificate } from './certificate-signature';
import { Certificates } from './certificates';

const controllerId = 'telco-no';

describe('certificates of erasure', () => {
  let database: TestDatabase;
  let ctx: CryptoContext;
  let auditLog: AuditLog;
  let certificates: Certificates;
  let pem: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    ctx = await startCryptoContext(database.url, { imports: [ComplianceRecordsModule] });
    auditLog = ctx.app.get(AuditLog);
    certificates = ctx.app.get(Certificates);
    [{ pem }] = certificates.publicKeys();
  });
  afterAll(async () => {
    await ctx.close();
    await database.drop();
  });

  const anonymizeCampaign = (campaignId: string) => recordCampaignErasure(ctx.app, { campaignId, controllerId });

  const served = async (id: string) => (await certificates.get(id))!.certificate;

  it('are signed with the keyring key, stored with the erasure, and verify with the served public key', async () => {
    const campaignId = randomUUID();
    await enroll(ctx, campaignId, controllerId, 3);
    const { certificate, destroyed } = await anonymizeCampaign(campaignId);
    expect(destroyed.kekVersions).toEqual([1]);
    expect(certificate).toMatchObject({ scope: { campaignId }, customersAffected: 3, keysDestroyed: 6, keyId: ctx.keyring.signingKey().keyId });
    const stored = await certificates.get(certificate.certificateId);
    expect(stored).toEqual({ certificate: { ...certificate, irrecoverability: null }, controllerId, kekVersions: [1] });
    expect(verifyCertificate(stored!.certificate, pem)).toEqual({ valid: true, irrecoverable: false });
    // The certificate names the audit entry that records the erasure.
    expect(await auditLog.head()).toEqual(certificate.auditHead);
    expect((await auditLog.entry(certificate.auditHead.seq))!.certificateId).toBe(certificate.certificateId);
    expect(await certificates.get(randomUUID())).toBeNull();
  });

  it('refuse an audit head that is not in the chain, and are written once', async () => {
    const head = (await auditLog.head())!;
    const body = (await served((await ctx.dataSource.query('SELECT certificate_id FROM compliance.certificates LIMIT 1'))[0].certificate_id)) as Certificate;
    const { keyId: _k, signature: _s, ...unsigned } = body;
    const issue = (auditHead: { seq: number; hash: string }) =>
      ctx.dataSource.transaction((tx) => certificates.issue(tx, { ...unsigned, certificateId: randomUUID(), auditHead }, { controllerId, kekVersions: [1] }));
    await expect(issue({ seq: head.seq, hash: 'ab'.repeat(32) })).rejects.toThrow(InvalidComplianceRecord);
    await expect(issue({ seq: head.seq + 1, hash: head.hash })).rejects.toThrow(InvalidComplianceRecord);
    await expect(ctx.dataSource.query(`UPDATE compliance.certificates SET body = body || '{"keysDestroyed": 0}'`)).rejects.toThrow('written once');
    await expect(ctx.dataSource.query(`DELETE FROM compliance.certificates`)).rejects.toThrow('written once');
  });

  it('get their irrecoverability attestation when a rotation retires the last KEK version that wrapped their keys', async () => {
    // Before the rotation: a campaign whose keys are all under version 1.
    const before = randomUUID();
    await enroll(ctx, before, controllerId, 2);
    const early = (await anonymizeCampaign(before)).certificate;
    // During it: a campaign destroyed after the first re-wrap batch, half under 1 and half under 2.
    const during = randomUUID();
    await enroll(ctx, during, controllerId, 2);
    let mid: Awaited<ReturnType<typeof anonymizeCampaign>> | undefined;
    const first = await ctx.rotation.start('admin');
    const firstStatus = await ctx.rotation.run(first, {
      batchSize: 1,
      afterRewrapBatch: async (batch) => {
        if (batch === 0) mid = await anonymizeCampaign(during);
      },
    });
    expect(firstStatus).toMatchObject({ phase: 'done', kekVersion: 2, retiredVersions: [1] });
    expect(mid!.destroyed.kekVersions).toEqual([1, 2]);

    const earlyServed = await served(early.certificateId);
    expect(earlyServed.irrecoverability).toEqual({ at: expect.any(String), kekVersions: [1], keyId: early.keyId, signature: expect.any(String) });
    expect(verifyCertificate(earlyServed, pem)).toEqual({ valid: true, irrecoverable: true });
    // Version 2 still wraps some of its keys' copies (WAL, backups): not yet irrecoverable.
    const midServed = await served(mid!.certificate.certificateId);
    expect(midServed.irrecoverability).toBeNull();
    expect(verifyCertificate(midServed, pem)).toEqual({ valid: true, irrecoverable: false });

    const second = await ctx.rotation.start('admin');
    expect(await ctx.rotation.run(second)).toMatchObject({ phase: 'done', retiredVersions: [2] });
    const midAttested = await served(mid!.certificate.certificateId);
    expect(midAttested.irrecoverability).toMatchObject({ kekVersions: [1, 2], keyId: early.keyId });
    expect(verifyCertificate(midAttested, pem)).toEqual({ valid: true, irrecoverable: true });
    // Attested once: a later rotation leaves the first attestation as it was.
    expect((await served(early.certificateId)).irrecoverability).toEqual(earlyServed.irrecoverability);
    expect(await certificates.attestIrrecoverable([1, 2, 3])).toEqual([]);

    // One changed byte of the attestation (or of its kekVersions) fails verification.
    const attestation = midAttested.irrecoverability!;
    expect(verifyCertificate({ ...midAttested, irrecoverability: { ...attestation, kekVersions: [2] } }, pem)).toEqual({ valid: false, reason: 'irrecoverability-bad-signature' });
    const otherMillisecond = attestation.at.replace(/(\d)Z$/, (_, d: string) => `${(Number(d) + 1) % 10}Z`);
    expect(otherMillisecond).not.toBe(attestation.at);
    expect(verifyCertificate({ ...midAttested, irrecoverability: { ...attestation, at: otherMillisecond } }, pem)).toEqual({ valid: false, reason: 'irrecoverability-bad-signature' });
    // And the attestation, once added, cannot be replaced.
    await expect(ctx.dataSource.query(`UPDATE compliance.certificates SET irrecoverability = '{}' WHERE certificate_id = $1`, [early.certificateId])).rejects.toThrow('written once');
  }, 60_000);
});
