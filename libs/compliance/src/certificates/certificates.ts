import { Keyring } from '@app/crypto-shredding';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog } from '../audit/audit-log';
import { COMPLIANCE_CLOCK, type ComplianceClock } from '../clock';
import { type AttestedCertificate, type Certificate, checkedUnsignedCertificate, type Irrecoverability, type UnsignedCertificate } from '../domain/certificate';
import { InvalidComplianceRecord } from '../domain/compliance-record-error';
import { requireCallerId } from '../domain/identifiers';
import { signCertificate, signIrrecoverability } from './certificate-signature';

/** What is stored beside a certificate: its controller (for scoped reads) and the KEK versions of its keys. */
export interface CertificateRecord {
  /** The controller whose data the certificate covers; null for staff (a seller's erasure), read only by tokens for every controller. */
  controllerId: string | null;
  /** KEK versions that wrapped the destroyed keys: `DestroyResult.kekVersions` of the destroy. */
  kekVersions: readonly number[];
}

export interface StoredCertificate extends CertificateRecord {
  certificate: AttestedCertificate;
}

export interface PublicKey {
  keyId: string;
  algorithm: 'Ed25519';
  pem: string;
}

const ATTEST_BATCH = 500;

/**
 * Certificates of erasure: signed with the keyring's Ed25519 key and stored in the caller's
 * transaction, so a certificate exists exactly when the erasure it certifies committed.
 */
@Injectable()
export class Certificates {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Keyring) private readonly keyring: Keyring,
    @Inject(AuditLog) private readonly auditLog: AuditLog,
    @Inject(COMPLIANCE_CLOCK) private readonly clock: ComplianceClock,
  ) {}

  /**
   * Signs and stores a certificate in `tx`. `body.auditHead` must name an entry of the chain with
   * its hash (the entry `AuditLog.append` returned in the same transaction).
   */
  async issue(tx: EntityManager, body: UnsignedCertificate, record: CertificateRecord): Promise<Certificate> {
    const checked = checkedUnsignedCertificate(body);
    const controllerId = record.controllerId === null ? null : requireCallerId('controllerId', record.controllerId);
    const kekVersions = [...new Set(record.kekVersions)].sort((a, b) => a - b);
    if (!kekVersions.every((v) => Number.isSafeInteger(v) && v > 0)) throw new InvalidComplianceRecord('kekVersions', 'kekVersions must be KEK versions (positive integers)');
    if (!tx.queryRunner?.isTransactionActive) throw new Error("Certificates.issue runs in the caller's transaction");
    const entry = await this.auditLog.entry(checked.auditHead.seq, tx);
    if (!entry || entry.hash !== checked.auditHead.hash) throw new InvalidComplianceRecord('auditHead', 'auditHead must name an entry of the audit log, with its hash');
    const certificate = signCertificate(checked, this.keyring.signingKey());
    await tx.query(
      `INSERT INTO compliance.certificates (certificate_id, body, issued_at, controller_id, kek_versions) VALUES ($1, $2::jsonb, $3, $4, $5::integer[])`,
      [certificate.certificateId, JSON.stringify(certificate), this.clock.now(), controllerId, kekVersions],
    );
    return certificate;
  }

  async get(certificateId: string, tx?: EntityManager): Promise<StoredCertificate | null> {
    const [row]: { body: Certificate; controller_id: string | null; kek_versions: number[]; irrecoverability: Irrecoverability | null }[] = await (tx ?? this.dataSource).query(
      `SELECT body, controller_id, kek_versions, irrecoverability FROM compliance.certificates WHERE certificate_id = $1`,
      [certificateId],
    );
    if (!row) return null;
    return { certificate: { ...row.body, irrecoverability: row.irrecoverability }, controllerId: row.controller_id, kekVersions: row.kek_versions };
  }

  /**
   * Adds the signed irrecoverability attestation to every certificate not yet attested whose keys
   * were wrapped only by KEK versions among `kekVersionsRetired` (pass every version retired so
   * far, as the rotation's observers are told: keys destroyed mid-rotation can span two versions
   * retired by different rotations). Idempotent; returns the ids it attested.
   */
  async attestIrrecoverable(kekVersionsRetired: readonly number[]): Promise<string[]> {
    const attested: string[] = [];
    const at = this.clock.now().toISOString();
    const key = this.keyring.signingKey();
    for (let after = ''; ; ) {
      const rows: { certificate_id: string; kek_versions: number[] }[] = await this.dataSource.query(
        `SELECT certificate_id, kek_versions FROM compliance.certificates
          WHERE irrecoverability IS NULL AND certificate_id > $1 AND cardinality(kek_versions) > 0 AND kek_versions <@ $2::integer[]
          ORDER BY certificate_id LIMIT $3`,
        [after, [...kekVersionsRetired], ATTEST_BATCH],
      );
      if (rows.length === 0) return attested;
      const attestations = rows.map((row) => JSON.stringify(signIrrecoverability(row.certificate_id, at, row.kek_versions, key)));
      // `irrecoverability IS NULL` again: a concurrent run may have attested some meanwhile. In a
      // CTE because TypeORM answers a bare UPDATE ... RETURNING with [rows, count].
      const updated: { certificate_id: string }[] = await this.dataSource.query(
        `WITH changed AS (
           UPDATE compliance.certificates c SET irrecoverability = u.attestation
             FROM unnest($1::text[], $2::jsonb[]) AS u(id, attestation)
            WHERE c.certificate_id = u.id AND c.irrecoverability IS NULL
            RETURNING c.certificate_id
         ) SELECT certificate_id FROM changed`,
        [rows.map((row) => row.certificate_id), attestations],
      );
      const ids = updated.map((row) => row.certificate_id);
      attested.push(...ids);
      after = rows[rows.length - 1].certificate_id;
    }
  }

  /** The key certificates are signed with, for verifiers. */
  publicKeys(): PublicKey[] {
    const { keyId, publicKeyPem } = this.keyring.signingKey();
    return [{ keyId, algorithm: 'Ed25519', pem: publicKeyPem }];
  }
}
