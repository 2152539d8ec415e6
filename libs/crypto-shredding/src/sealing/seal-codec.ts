import { IntegrityError } from '../errors';
import { AuthenticationFailed, gcmDecrypt, gcmEncrypt, IV_BYTES, lengthPrefixed, randomIv, TAG_BYTES } from '../primitives/aead';
import type { PersonalData, SealContext, SealedBlob } from './sealed';

function contextAad(keyId: string, context: SealContext): Buffer {
  return context.kind === 'event'
    ? lengthPrefixed('sealed-event/v1', context.streamId, context.eventId, context.slot, keyId)
    : lengthPrefixed('sealed-column/v1', context.table, context.rowId, context.column, keyId);
}

/** Seals with a known data key: a fresh random IV per blob, the context and key id in the AAD. */
export function sealWithKey(dek: Buffer, keyId: string, plain: PersonalData, context: SealContext): SealedBlob {
  const iv = randomIv();
  const ct = gcmEncrypt(dek, iv, Buffer.from(JSON.stringify(plain), 'utf8'), contextAad(keyId, context));
  return { kid: keyId, iv: iv.toString('base64'), ct: ct.toString('base64') };
}

/** Opens with a known data key; any tampering, truncation or other context is an IntegrityError. */
export function openWithKey(dek: Buffer, blob: SealedBlob, context: SealContext): PersonalData {
  const iv = Buffer.from(blob.iv, 'base64');
  const ct = Buffer.from(blob.ct, 'base64');
  if (iv.length !== IV_BYTES) throw new IntegrityError(blob.kid, 'IV is not 96 bits');
  if (ct.length < TAG_BYTES) throw new IntegrityError(blob.kid, 'ciphertext is shorter than its tag');
  let plain: Buffer;
  try {
    plain = gcmDecrypt(dek, iv, ct, contextAad(blob.kid, context));
  } catch (error) {
    if (error instanceof AuthenticationFailed) throw new IntegrityError(blob.kid, 'authentication failed (tampered, or presented in another context)');
    throw error;
  }
  return JSON.parse(plain.toString('utf8')) as PersonalData;
}
