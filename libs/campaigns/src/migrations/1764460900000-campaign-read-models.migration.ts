import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CampaignReadModels1764460900000 implements MigrationInterface {
  name = 'CampaignReadModels1764460900000';

  async up(runner: QueryRunner): Promise<void> {
    // The customer list, kept inline (same transaction as the events). Personal columns hold
    // sealed blobs bound to (table, customer id, column); status comes from the keys themselves.
    await runner.query(`
      CREATE TABLE app.customers (
        customer_id uuid PRIMARY KEY,
        campaign_id uuid NOT NULL,
        controller_id text NOT NULL,
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        enrolled_at timestamptz NOT NULL,
        personal jsonb NOT NULL,
        reference jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX customers_by_campaign ON app.customers (campaign_id, seq)`);
    // Idempotency: scoped by token subject and route; the request is kept as an HMAC (a plain hash
    // of a low-entropy body could be brute-forced), the response as sent (ids and positions only).
    await runner.query(`
      CREATE TABLE app.idempotency_records (
        subject text NOT NULL,
        route text NOT NULL,
        idempotency_key text NOT NULL,
        request_hmac bytea NOT NULL,
        hmac_key_version integer NOT NULL,
        status integer NOT NULL,
        response json NOT NULL, -- json, not jsonb: a replay answers byte for byte as the first time
        customer_ids uuid[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (subject, route, idempotency_key)
      )`);
    await runner.query(`CREATE INDEX idempotency_records_expiry ON app.idempotency_records (expires_at)`);
    await runner.query(`CREATE INDEX idempotency_records_customers ON app.idempotency_records USING gin (customer_ids)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS app.idempotency_records`);
    await runner.query(`DROP TABLE IF EXISTS app.customers`);
  }
}
