import type { MigrationInterface, QueryRunner } from 'typeorm';
import { REASON_CODES } from '../domain/reason-codes';

const reasonCodes = REASON_CODES.map((code) => `'${code}'`).join(', ');

/**
 * `compliance.requests`: the register of data subjects' erasure and access requests (GDPR Art. 12(3):
 * answered within one month of receipt). It keeps what the request was and when, never the
 * identifiers it matched on (e-mail, phone, customerRef), so the register itself holds nothing personal.
 */
export class RequestRegister1764461450000 implements MigrationInterface {
  name = 'RequestRegister1764461450000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE compliance.requests (
        request_id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('erasure', 'access')),
        controller_id text NOT NULL,
        received_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL CHECK (due_at > received_at),
        completed_at timestamptz,
        status text NOT NULL CHECK (status IN ('open', 'completed')),
        reason_code text CHECK (reason_code IN (${reasonCodes})),
        reference text CHECK (reference ~ '^[A-Za-z0-9._:/-]{1,64}$'),
        requested_by text NOT NULL,
        CHECK ((status = 'completed') = (completed_at IS NOT NULL))
      )`);
    await runner.query(`CREATE INDEX requests_controller ON compliance.requests (controller_id, received_at)`);
    await runner.query(`CREATE INDEX requests_open ON compliance.requests (due_at) WHERE status = 'open'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE compliance.requests');
  }
}
