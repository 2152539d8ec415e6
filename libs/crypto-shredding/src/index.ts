export { CryptoShreddingModule, type CryptoShreddingOptions, cryptoShreddingOptions } from './crypto-shredding.module';
export { cryptoEntities } from './crypto.entities';
export { cryptoMigrations } from './migrations/1764374500000-crypto-keys.migration';
export { IntegrityError, KekUnavailable, KeyDestroyed, KeyringError, KeyspaceClosed } from './errors';

export { Keyring, type ActiveVersions } from './keyring/keyring';
export { KEK_PROVIDER, type KekProvider, type KeyringSnapshot } from './keyring/kek-provider';
export { LocalKeyringProvider, signingKeyId } from './keyring/local-keyring.provider';
export { ErasureLedger, type LedgerEntry } from './keyring/erasure-ledger';
export { RestoreGuard, type RestoreGuardReport } from './keyring/restore-guard';

export { type DataKeyRow, type KeyOwner, type KeyScope } from './keys/data-key';
export { type CreatedKey, DataKeyStore, type ExistingKey, type KeyDescription, type PreparedKeys } from './keys/data-key-store';
export { CampaignKeyspaces } from './keys/campaign-keyspaces';
export { type DestroyedNotice, KeyCache, type KeyState, KEYS_DESTROYED_CHANNEL } from './keys/key-cache';
export { type DestroyActor, type DestroyResult, type DestroySelector, KeyShredder } from './keys/key-shredder';

export { type Erased, erased, isErased, isSealedBlob, type PersonalData, type SealContext, type SealedBlob } from './sealing/sealed';
export { type OpenRequest, type SealRequest, Sealer } from './sealing/sealer';
export { openWithKey, sealWithKey } from './sealing/seal-codec';

export { BlindIndex, blindHash, type IndexEntry, type IndexMatch, type PreparedIndexRows } from './blind-index/blind-index';
export { type IdentifierKind, InvalidIdentifier, normalizeEmail, normalizeIdentifier, normalizePhone } from './blind-index/normalizers';

export {
  type KekRetirement,
  type ReindexSource,
  KeyringRotation,
  type RetirementObserver,
  type RotationPhase,
  RotationInProgress,
  type RotationStatus,
} from './rotation/keyring-rotation';
