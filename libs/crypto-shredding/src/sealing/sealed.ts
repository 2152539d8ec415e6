/** A sealed personal payload as stored: key id, 96-bit IV and ciphertext with its tag, base64. */
export interface SealedBlob {
  kid: string;
  iv: string;
  ct: string;
}

/** Where a blob lives. Everything here is bound into the AAD, so a blob cannot be moved. */
export type SealContext =
  | { kind: 'event'; streamId: string; eventId: string; slot: 'personal' | 'reference' }
  | { kind: 'column'; table: string; rowId: string; column: string };

export const ERASED: unique symbol = Symbol.for('campaign-ledger.erased');

/** What opening yields when the key was destroyed: a value, not an exception. */
export interface Erased {
  readonly [ERASED]: true;
  readonly keyId: string;
}

export const erased = (keyId: string): Erased => Object.freeze({ [ERASED]: true as const, keyId });

export function isErased(value: unknown): value is Erased {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ERASED] === true;
}

export function isSealedBlob(value: unknown): value is SealedBlob {
  const blob = value as SealedBlob | null;
  return typeof blob === 'object' && blob !== null && typeof blob.kid === 'string' && typeof blob.iv === 'string' && typeof blob.ct === 'string';
}

export type PersonalData = Record<string, unknown>;
