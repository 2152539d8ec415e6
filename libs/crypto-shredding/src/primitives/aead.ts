import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';

/** AES-256-GCM as the product uses it everywhere: 256-bit key, 96-bit IV, 128-bit tag. */
export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';

/** Raised when a ciphertext does not authenticate under the given key and AAD. */
export class AuthenticationFailed extends Error {
  override readonly name = 'AuthenticationFailed';
}

/** Returns ciphertext with the 16-byte tag appended. */
export function gcmEncrypt(key: Buffer, iv: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const tail = cipher.final(); // empty for GCM, kept for correctness
  return Buffer.concat([body, tail, cipher.getAuthTag()], body.length + tail.length + TAG_BYTES);
}

/** Opens ciphertext-with-tag; any tampering, truncation or wrong AAD raises AuthenticationFailed. */
export function gcmDecrypt(key: Buffer, iv: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES) throw new AuthenticationFailed('malformed ciphertext');
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new AuthenticationFailed('ciphertext does not authenticate');
  }
}

// IVs come from the CSPRNG in blocks, so a busy sealer does not pay a system call per blob.
// Every IV is fresh random bytes; none is ever derived from ids or reused.
const POOL_IVS = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

export function randomIv(): Buffer {
  if (offset + IV_BYTES > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(IV_BYTES * POOL_IVS));
    offset = 0;
  }
  const iv = Buffer.from(pool.subarray(offset, offset + IV_BYTES));
  offset += IV_BYTES;
  return iv;
}

/**
 * Unambiguous encoding of several strings for AAD and HMAC input: each part is its UTF-8 length
 * (4 bytes, big-endian) followed by its bytes, so ("ab","c") and ("a","bc") never collide.
 */
export function lengthPrefixed(...parts: string[]): Buffer {
  let size = 0;
  for (const part of parts) size += 4 + Buffer.byteLength(part, 'utf8');
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const part of parts) {
    const written = out.write(part, at + 4, 'utf8');
    out.writeUInt32BE(written, at);
    at += 4 + written;
  }
  return out;
}
