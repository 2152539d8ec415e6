import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The customer list learns archiving and legal holds, written with their events (inline):
 * `archived_at` (null while on the working list) and `legal_hold` (plain: reason code, reference,
 * placedAt; null when none). Archiving a whole campaign is one UPDATE of this table and one small
 * event; the interaction path reads `archived_at` on the row it locks anyway.
 */
export class CustomerArchiveAndLegalHold1764460950000 implements MigrationInterface {
  name = 'CustomerArchiveAndLegalHold1764460950000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE app.customers ADD COLUMN archived_at timestamptz, ADD COLUMN legal_hold jsonb`);
    // The working list (the default page) skips archived rows without reading them.
    await runner.query(`CREATE INDEX customers_active_by_campaign ON app.customers (campaign_id, seq) WHERE archived_at IS NULL`);
    // Holds are few: what an anonymization of the campaign must respect, found without a scan.
    await runner.query(`CREATE INDEX customers_held_by_campaign ON app.customers (campaign_id) WHERE legal_hold IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX IF EXISTS app.customers_held_by_campaign`);
    await runner.query(`DROP INDEX IF EXISTS app.customers_active_by_campaign`);
    await runner.query(`ALTER TABLE app.customers DROP COLUMN IF EXISTS legal_hold, DROP COLUMN IF EXISTS archived_at`);
  }
}
