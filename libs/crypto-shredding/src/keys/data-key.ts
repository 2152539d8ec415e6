import { randomBytes, randomUUID } from 'node:crypto';
import { AuthenticationFailed, gcmDecrypt, gcmEncrypt, IV_BYTES, KEY_BYTES, lengthPrefixed, randomIv } from '../primitives/aead';

export type KeyScope = 'content' | 'reference' | 'seller';

/** Whose key it is. For `seller` keys the subject is the seller id and campaign/controller are null. */
export interface KeyOwner {
  scope: KeyScope;
  subjectId: string;
  campaignId: string | null;
  controllerId: string | null;
}

export interface DataKeyRow extends KeyOwner {
  keyId: string;
  kekVersion: number;
  wrapped: Buffer | null;
}

/**
 * Binds a wrapped key to its row: editing the scope, subject, campaign or controller of a row
 * (to dodge a destroy by campaign, say) makes it fail to unwrap.
 */
function wrappingAad(keyId: string, owner: KeyOwner): Buffer {
  return lengthPrefixed('data-key/v1', keyId, owner.scope, owner.subjectId, owner.campaignId ?? '', owner.controllerId ?? '');
}

export function newDataKey(): { keyId: string; dek: Buffer } {
  return { keyId: randomUUID(), dek: randomBytes(KEY_BYTES) };
}

/** Many keys from one CSPRNG read (bulk enrollment creates 20,000 at a time). */
export function newDataKeys(count: number): { keyId: string; dek: Buffer }[] {
  const material = randomBytes(KEY_BYTES * count);
  return Array.from({ length: count }, (_, i) => ({ keyId: randomUUID(), dek: Buffer.from(material.subarray(i * KEY_BYTES, (i + 1) * KEY_BYTES)) }));
}

/** iv || ciphertext || tag */
export function wrapDataKey(kek: Buffer, keyId: string, owner: KeyOwner, dek: Buffer): Buffer {
  const iv = randomIv();
  return Buffer.concat([iv, gcmEncrypt(kek, iv, dek, wrappingAad(keyId, owner))]);
}

/** Throws AuthenticationFailed when the row was edited or the wrong KEK is used. */
export function unwrapDataKey(kek: Buffer, row: DataKeyRow & { wrapped: Buffer }): Buffer {
  const dek = gcmDecrypt(kek, row.wrapped.subarray(0, IV_BYTES), row.wrapped.subarray(IV_BYTES), wrappingAad(row.keyId, row));
  if (dek.length !== KEY_BYTES) throw new AuthenticationFailed('unwrapped key has the wrong length');
  return dek;
}
