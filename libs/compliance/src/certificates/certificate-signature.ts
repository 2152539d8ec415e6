import { createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { signingKeyId } from '@app/crypto-shredding';
import { canonicalJson } from '../canonical-json';
import type { Certificate, Irrecoverability, UnsignedCertificate } from '../domain/certificate';

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
}

const signCanonical = (value: object, privateKey: KeyObject) => sign(null, Buffer.from(canonicalJson(value), 'utf8'), privateKey).toString('base64');

/** Adds keyId and the Ed25519 signature over the canonical JSON of every other field. */
export function signCertificate(body: UnsignedCertificate, key: SigningKey): Certificate {
  const unsigned = { ...body, keyId: key.keyId };
  return { ...unsigned, signature: signCanonical(unsigned, key.privateKey) };
}

/** The attestation for a certificate whose keys' KEK versions are all retired. */
export function signIrrecoverability(certificateId: string, at: string, kekVersions: readonly number[], key: SigningKey): Irrecoverability {
  const attested = { certificateId, at, kekVersions: [...kekVersions], keyId: key.keyId };
  return { at, kekVersions: attested.kekVersions, keyId: key.keyId, signature: signCanonical(attested, key.privateKey) };
}

export type CertificateVerification =
  | { valid: true; /** Whether a valid irrecoverability attestation is present. */ irrecoverable: boolean }
  | { valid: false; reason: CertificateFault };

export type CertificateFault =
  | 'bad-public-key'
  | 'malformed'
  | 'unknown-key'
  | 'bad-signature'
  | 'irrecoverability-malformed'
  | 'irrecoverability-unknown-key'
  | 'irrecoverability-bad-signature';

const BASE64_SIGNATURE = /^[A-Za-z0-9+/]{86}==$/;
const ATTESTATION_KEYS = ['at', 'kekVersions', 'keyId', 'signature'];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function verifyCanonical(value: object, signature: unknown, key: KeyObject): boolean {
  if (typeof signature !== 'string' || !BASE64_SIGNATURE.test(signature)) return false;
  const bytes = Buffer.from(signature, 'base64');
  // The last character carries 4 unused bits: only the canonical spelling is accepted, so that a
  // changed character never passes.
  if (bytes.toString('base64') !== signature) return false;
  try {
    return verify(null, Buffer.from(canonicalJson(value), 'utf8'), key, bytes);
  } catch {
    return false; // a value with no canonical form (a lone surrogate) is not what was signed
  }
}

/** Public keys by key id (the keyring's id: a hash of the SPKI PEM, so any PEM spelling of the same key matches). */
function keysById(publicKeyPems: readonly string[]): Map<string, KeyObject> | null {
  const keys = new Map<string, KeyObject>();
  for (const pem of publicKeyPems) {
    let key: KeyObject;
    try {
      key = createPublicKey(pem);
    } catch {
      return null;
    }
    if (key.asymmetricKeyType !== 'ed25519') return null;
    keys.set(signingKeyId(key.export({ type: 'spki', format: 'pem' }).toString()), key);
  }
  return keys;
}

/**
 * Checks a certificate as served (or saved to a file) against the signing public key(s): the
 * signature over every field but `signature` and `irrecoverability`, and, when present and not
 * null, the irrecoverability attestation. Pure: no database, no keyring; the CLI calls it.
 */
export function verifyCertificate(certificate: unknown, publicKeyPem: string | readonly string[]): CertificateVerification {
  const keys = keysById(typeof publicKeyPem === 'string' ? [publicKeyPem] : publicKeyPem);
  if (!keys || keys.size === 0) return { valid: false, reason: 'bad-public-key' };
  if (!isObject(certificate) || typeof certificate.certificateId !== 'string' || typeof certificate.keyId !== 'string') return { valid: false, reason: 'malformed' };
  const { signature, irrecoverability, ...signed } = certificate;
  const key = keys.get(certificate.keyId);
  if (!key) return { valid: false, reason: 'unknown-key' };
  if (!verifyCanonical(signed, signature, key)) return { valid: false, reason: 'bad-signature' };
  if (irrecoverability === undefined || irrecoverability === null) return { valid: true, irrecoverable: false };

  if (!isObject(irrecoverability) || Object.keys(irrecoverability).sort().join() !== ATTESTATION_KEYS.join()) return { valid: false, reason: 'irrecoverability-malformed' };
  const { at, kekVersions, keyId } = irrecoverability;
  const versionsOk = Array.isArray(kekVersions) && kekVersions.length > 0 && kekVersions.every((v) => Number.isSafeInteger(v) && (v as number) > 0);
  if (typeof at !== 'string' || typeof keyId !== 'string' || !versionsOk) return { valid: false, reason: 'irrecoverability-malformed' };
  const attestationKey = keys.get(keyId);
  if (!attestationKey) return { valid: false, reason: 'irrecoverability-unknown-key' };
  if (!verifyCanonical({ certificateId: certificate.certificateId, at, kekVersions, keyId }, irrecoverability.signature, attestationKey)) {
    return { valid: false, reason: 'irrecoverability-bad-signature' };
  }
  return { valid: true, irrecoverable: true };
}
