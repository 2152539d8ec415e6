import type { KeyObject } from 'node:crypto';

/** The key material an instance works with. KEKs and index keys are 256-bit, by version. */
export interface KeyringSnapshot {
  keks: ReadonlyMap<number, Buffer>;
  indexKeys: ReadonlyMap<number, Buffer>;
  signing: { keyId: string; privateKey: KeyObject; publicKeyPem: string };
}

/**
 * Where KEKs live: outside the database and its backups. The local provider keeps a JSON file;
 * a Vault Transit or cloud KMS provider would implement the same contract.
 */
export interface KekProvider {
  /** Where the material comes from, for error messages (never the material itself). */
  readonly description: string;
  load(): Promise<KeyringSnapshot>;
  /** Adds a new KEK version and a new index-key version; returns their numbers. */
  addVersions(): Promise<{ kekVersion: number; indexKeyVersion: number }>;
  /** Removes material for good: what it wrapped can never be opened again. */
  retire(versions: { keks: number[]; indexKeys: number[] }): Promise<void>;
}

export const KEK_PROVIDER = Symbol('KEK_PROVIDER');
