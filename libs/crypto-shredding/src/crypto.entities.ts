import { Column, Entity, PrimaryColumn } from 'typeorm';

// Mappings of the crypto schema (created by migrations, never synchronized). Hot paths (bulk
// create, destroy, re-wrap) use set-based SQL on the same tables.

@Entity({ schema: 'crypto', name: 'keyring_state' })
export class KeyringStateEntity {
  @PrimaryColumn({ type: 'smallint' })
  id!: number;

  @Column({ name: 'active_kek_version', type: 'integer' })
  activeKekVersion!: number;

  @Column({ name: 'active_index_key_version', type: 'integer' })
  activeIndexKeyVersion!: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

@Entity({ schema: 'crypto', name: 'campaign_keyspaces' })
export class CampaignKeyspaceEntity {
  @PrimaryColumn({ name: 'campaign_id', type: 'uuid' })
  campaignId!: string;

  @Column({ name: 'controller_id', type: 'text' })
  controllerId!: string;

  @Column({ type: 'text' })
  status!: 'live' | 'anonymized';

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt!: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'closed_by', type: 'text', nullable: true })
  closedBy!: string | null;
}

@Entity({ schema: 'crypto', name: 'data_keys' })
export class DataKeyEntity {
  @PrimaryColumn({ name: 'key_id', type: 'uuid' })
  keyId!: string;

  @Column({ type: 'text' })
  scope!: 'content' | 'reference' | 'seller';

  @Column({ name: 'subject_id', type: 'text' })
  subjectId!: string;

  @Column({ name: 'campaign_id', type: 'uuid', nullable: true })
  campaignId!: string | null;

  @Column({ name: 'controller_id', type: 'text', nullable: true })
  controllerId!: string | null;

  @Column({ name: 'kek_version', type: 'integer' })
  kekVersion!: number;

  @Column({ type: 'bytea', nullable: true })
  wrapped!: Buffer | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'destroyed_at', type: 'timestamptz', nullable: true })
  destroyedAt!: Date | null;

  @Column({ name: 'destroyed_by', type: 'text', nullable: true })
  destroyedBy!: string | null;

  @Column({ name: 'destroyed_certificate', type: 'text', nullable: true })
  destroyedCertificate!: string | null;
}

@Entity({ schema: 'crypto', name: 'blind_index' })
export class BlindIndexEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'uuid' })
  customerId!: string;

  @PrimaryColumn({ type: 'text' })
  kind!: 'customer_ref' | 'email' | 'phone';

  @PrimaryColumn({ name: 'index_key_version', type: 'integer' })
  indexKeyVersion!: number;

  @Column({ name: 'key_id', type: 'uuid' })
  keyId!: string;

  @Column({ name: 'campaign_id', type: 'uuid' })
  campaignId!: string;

  @Column({ name: 'controller_id', type: 'text' })
  controllerId!: string;

  @Column({ type: 'bytea' })
  hash!: Buffer;

  @Column({ type: 'boolean' })
  live!: boolean;
}

@Entity({ schema: 'crypto', name: 'keyring_rotations' })
export class KeyringRotationEntity {
  @PrimaryColumn({ name: 'rotation_id', type: 'uuid' })
  rotationId!: string;

  @Column({ type: 'text' })
  phase!: string;

  @Column({ name: 'old_kek_versions', type: 'integer', array: true })
  oldKekVersions!: number[];

  @Column({ name: 'old_index_key_versions', type: 'integer', array: true })
  oldIndexKeyVersions!: number[];

  @Column({ name: 'kek_version', type: 'integer', nullable: true })
  kekVersion!: number | null;

  @Column({ name: 'index_key_version', type: 'integer', nullable: true })
  indexKeyVersion!: number | null;

  @Column({ name: 'keys_total', type: 'bigint' })
  keysTotal!: string;

  @Column({ name: 'keys_rewrapped', type: 'bigint' })
  keysRewrapped!: string;

  @Column({ name: 'index_rows_rewritten', type: 'bigint' })
  indexRowsRewritten!: string;

  @Column({ name: 'retired_kek_versions', type: 'integer', array: true })
  retiredKekVersions!: number[];

  @Column({ name: 'requested_by', type: 'text' })
  requestedBy!: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}

export const cryptoEntities = [KeyringStateEntity, CampaignKeyspaceEntity, DataKeyEntity, BlindIndexEntity, KeyringRotationEntity];
