import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CryptoKeys1764374500000 implements MigrationInterface {
  name = 'CryptoKeys1764374500000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE crypto.keyring_state (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        active_kek_version integer NOT NULL,
        active_index_key_version integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // A keyed fingerprint per KEK version (never the key): an instance whose file holds other
    // material under the same version number refuses to start instead of wrapping unreadable keys.
    await runner.query(`
      CREATE TABLE crypto.kek_fingerprints (
        kek_version integer PRIMARY KEY,
        fingerprint bytea NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE crypto.campaign_keyspaces (
        campaign_id uuid PRIMARY KEY,
        controller_id text NOT NULL,
        status text NOT NULL DEFAULT 'live' CHECK (status IN ('live', 'anonymized')),
        opened_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz,
        closed_by text
      )`);
    // subject_id is the customer id for content and reference keys, the seller id for seller keys.
    // A destroyed key keeps its row as a tombstone: wrapped is NULL, destroyed_* say who and when.
    // fillfactor 50 and no index touching wrapped/destroyed_*: a destroy is then a HOT update
    // (no index writes), which keeps destroying 100,000 keys well under the time budget.
    await runner.query(`
      CREATE TABLE crypto.data_keys (
        key_id uuid PRIMARY KEY,
        scope text NOT NULL CHECK (scope IN ('content', 'reference', 'seller')),
        subject_id text NOT NULL,
        campaign_id uuid,
        controller_id text,
        kek_version integer NOT NULL,
        wrapped bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        destroyed_at timestamptz,
        destroyed_by text,
        destroyed_certificate text,
        UNIQUE (subject_id, scope),
        CHECK ((wrapped IS NULL) = (destroyed_at IS NOT NULL))
      ) WITH (fillfactor = 50)`);
    await runner.query(`CREATE INDEX data_keys_campaign ON crypto.data_keys (campaign_id, scope)`);
    // No index on kek_version: only rotation filters on it, and it reads the table in batches anyway.
    // Blind index rows point at the key they go with and are deleted with it, in the destroying
    // statement itself. No foreign key: its per-row trigger on every key update doubles the cost
    // of a destroy, and nothing but the shredder and enrollment writes these rows.
    await runner.query(`
      CREATE TABLE crypto.blind_index (
        key_id uuid NOT NULL,
        customer_id uuid NOT NULL,
        campaign_id uuid NOT NULL,
        controller_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('customer_ref', 'email', 'phone')),
        index_key_version integer NOT NULL,
        hash bytea NOT NULL,
        live boolean NOT NULL DEFAULT true,
        PRIMARY KEY (customer_id, kind, index_key_version)
      )`);
    await runner.query(`CREATE INDEX blind_index_lookup ON crypto.blind_index (controller_id, kind, hash)`);
    // No index on key_id: the shredder deletes by (customer_id, key_id), which the primary key serves.
    // A customerRef is unique among a campaign's live customers only: a person re-enrolled after
    // anonymization is a new customer.
    await runner.query(`
      CREATE UNIQUE INDEX blind_index_live_customer_ref ON crypto.blind_index (campaign_id, index_key_version, hash)
        WHERE kind = 'customer_ref' AND live`);
    await runner.query(`
      CREATE TABLE crypto.keyring_rotations (
        rotation_id uuid PRIMARY KEY,
        phase text NOT NULL,
        old_kek_versions integer[] NOT NULL DEFAULT '{}',
        old_index_key_versions integer[] NOT NULL DEFAULT '{}',
        kek_version integer,
        index_key_version integer,
        keys_total bigint NOT NULL DEFAULT 0,
        keys_rewrapped bigint NOT NULL DEFAULT 0,
        index_rows_rewritten bigint NOT NULL DEFAULT 0,
        retired_kek_versions integer[] NOT NULL DEFAULT '{}',
        requested_by text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await runner.query(`CREATE UNIQUE INDEX keyring_rotations_one_running ON crypto.keyring_rotations ((true)) WHERE finished_at IS NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['keyring_rotations', 'blind_index', 'data_keys', 'campaign_keyspaces', 'kek_fingerprints', 'keyring_state']) {
      await runner.query(`DROP TABLE IF EXISTS crypto.${table}`);
    }
  }
}

export const cryptoMigrations = [CryptoKeys1764374500000];
