import type { MigrationInterface, QueryRunner } from 'typeorm';
import { REASON_CODES } from '../domain/reason-codes';

const reasonCodes = REASON_CODES.map((code) => `'${code}'`).join(', ');

/**
 * `compliance.audit_log`, hash-chained and append-only, and `compliance.certificates`, signed and
 * written once (only the irrecoverability attestation is added later, once).
 *
 * As for es.events, the triggers refuse changes for every role, table owner included; only the
 * owner or a superuser can switch them off, so in production the application connects as a role
 * with SELECT and INSERT on compliance.audit_log, SELECT, INSERT and UPDATE on
 * compliance.certificates, and no TRIGGER privilege. The chain makes an edit made with the
 * triggers off visible to `AuditLog.verify`.
 */
export class Compliance1764461200000 implements MigrationInterface {
  name = 'Compliance1764461200000';

  async up(runner: QueryRunner): Promise<void> {
    // seq is gapless (1, 2, 3, ...) and assigned under a lock by AuditLog.append, not by a
    // sequence: a rolled-back append leaves no gap, so a gap means a deleted entry.
    await runner.query(`
      CREATE TABLE compliance.audit_log (
        seq bigint PRIMARY KEY CHECK (seq > 0),
        at timestamptz NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        scope jsonb NOT NULL CHECK (jsonb_typeof(scope) = 'object'),
        controller_id text,
        certificate_id text,
        reason_code text CHECK (reason_code IN (${reasonCodes})),
        reference text CHECK (reference ~ '^[A-Za-z0-9._:/-]{1,64}$'),
        prev_hash bytea CHECK ((seq = 1) = (prev_hash IS NULL)),
        hash bytea NOT NULL CHECK (octet_length(hash) = 32)
      )`);
    await runner.query(`CREATE INDEX audit_log_at ON compliance.audit_log (at)`);
    await runner.query(`CREATE INDEX audit_log_controller ON compliance.audit_log (controller_id, seq)`);
    await runner.query(`
      CREATE FUNCTION compliance.refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'compliance.audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    // Statement level: refuses even a statement that matches no row, and TRUNCATE has no rows.
    await runner.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON compliance.audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION compliance.refuse_audit_change()`);

    // kek_versions: the KEK versions that wrapped the certificate's destroyed keys; once all of
    // them are retired the keys are irrecoverable and the attestation is added.
    await runner.query(`
      CREATE TABLE compliance.certificates (
        certificate_id text PRIMARY KEY,
        body jsonb NOT NULL,
        issued_at timestamptz NOT NULL,
        controller_id text NOT NULL,
        kek_versions integer[] NOT NULL,
        irrecoverability jsonb
      )`);
    await runner.query(`CREATE INDEX certificates_unattested ON compliance.certificates (certificate_id) WHERE irrecoverability IS NULL`);
    await runner.query(`
      CREATE FUNCTION compliance.refuse_certificate_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          IF OLD.irrecoverability IS NULL AND NEW.irrecoverability IS NOT NULL
             AND (NEW.certificate_id, NEW.body, NEW.issued_at, NEW.controller_id, NEW.kek_versions)
                 IS NOT DISTINCT FROM (OLD.certificate_id, OLD.body, OLD.issued_at, OLD.controller_id, OLD.kek_versions) THEN
            RETURN NEW;
          END IF;
        END IF;
        RAISE EXCEPTION 'compliance.certificates are written once (only the irrecoverability attestation is added, once): % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await runner.query(`
      CREATE TRIGGER certificates_write_once BEFORE UPDATE ON compliance.certificates
      FOR EACH ROW EXECUTE FUNCTION compliance.refuse_certificate_change()`);
    await runner.query(`
      CREATE TRIGGER certificates_no_delete BEFORE DELETE OR TRUNCATE ON compliance.certificates
      FOR EACH STATEMENT EXECUTE FUNCTION compliance.refuse_certificate_change()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE compliance.certificates');
    await runner.query('DROP TABLE compliance.audit_log');
    await runner.query('DROP FUNCTION compliance.refuse_certificate_change()');
    await runner.query('DROP FUNCTION compliance.refuse_audit_change()');
  }
}
