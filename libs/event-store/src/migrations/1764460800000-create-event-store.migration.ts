import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `es.events`, the append-only log, and `es.checkpoints`.
 *
 * Immutability is enforced twice. Triggers refuse UPDATE, DELETE and TRUNCATE for every role,
 * table owner included: erasure destroys keys, never events. Grants keep the application from
 * switching the triggers off, which only the owner (or a superuser) can do. In production the
 * migrations run as an owner role and the application connects as another role with only:
 *   GRANT USAGE ON SCHEMA es TO app;
 *   GRANT SELECT, INSERT ON es.events TO app;            -- never UPDATE, DELETE, TRUNCATE, TRIGGER
 *   GRANT SELECT, INSERT, UPDATE ON es.checkpoints TO app;
 * (the identity column needs no grant on its sequence). See libs/event-store/README.md.
 */
export class CreateEventStore1764460800000 implements MigrationInterface {
  name = 'CreateEventStore1764460800000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE es.events (
        position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_id text NOT NULL CHECK (stream_id <> ''),
        stream_revision bigint NOT NULL CHECK (stream_revision >= 0),
        event_id uuid NOT NULL,
        type text NOT NULL CHECK (type <> ''),
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_stream_revision_unique UNIQUE (stream_id, stream_revision),
        CONSTRAINT events_event_id_unique UNIQUE (event_id)
      )`);
    // The global order, and the range readers scan: (transaction id, position) after a checkpoint.
    await runner.query('CREATE INDEX events_global_order_idx ON es.events (transaction_id, position)');

    await runner.query(`
      CREATE FUNCTION es.refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'es.events is append-only: % refused (erasure destroys keys, never events)', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    // Statement level: refuses even a statement that matches no row, and TRUNCATE has no rows.
    await runner.query(`
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON es.events
      FOR EACH STATEMENT EXECUTE FUNCTION es.refuse_event_change()`);

    // Position in its string form (see position.codec.ts): compared for equality only, in SQL.
    await runner.query(`
      CREATE TABLE es.checkpoints (
        subscription_id text PRIMARY KEY,
        position text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE es.checkpoints');
    await runner.query('DROP TABLE es.events');
    await runner.query('DROP FUNCTION es.refuse_event_change()');
  }
}
