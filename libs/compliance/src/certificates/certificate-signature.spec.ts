import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { signingKeyId } from '@app/crypto-shredding';
import canonicalize from 'canonicalize';
import type { AttestedCertificate, UnsignedCertificate } from '../domain/certificate';
import { signCertificate, signIrrecoverability, verifyCertificate } from './certificate-signature';

function newKey() {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return { keyId: signingKeyId(pem), privateKey, pem };
}

const key = newKey();
const other = newKey();

const body: UnsignedCertificate = {
  certificateId: '5d1c2b7e-0f55-4e8e-9a53-7c1f0e2d4b6a',
  kind: 'campaign-anonymization',
  scope: { campaignId: '0b6f3c1e-3f7a-4c55-9d1e-2a9b8c7d6e5f' },
  mode: 'full',
  reasonCode: 'purpose-fulfilled',
  reference: 'TICKET-4711',
  requestedBy: 'officer-7',
  customersAffected: 1200,
  keysDestroyed: 2400,
  keysDestroyedAt: '2026-12-03T10:15:00.000Z',
  auditHead: { seq: 41, hash: 'ab'.repeat(32) },
};

const attested = (): AttestedCertificate => {
  const certificate = signCertificate(body, key);
  return { ...certificate, irrecoverability: signIrrecoverability(certificate.certificateId, '2027-01-05T08:00:00.000Z', [1, 2], key) };
};

/** Every leaf of a JSON value with its path. */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, Array.isArray(value) ? Number(k) : k]));
  return value === null ? [] : [path];
}

/** A deep copy with the leaf at `path` changed in one character (strings) or by one (numbers). */
function changedAt(value: AttestedCertificate, path: (string | number)[]): unknown {
  const copy = structuredClone(value) as unknown as Record<string | number, unknown>;
  let parent = copy;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  const leaf = parent[last];
  if (typeof leaf === 'number') parent[last] = leaf + 1;
  else if (typeof leaf === 'string') {
    const i = Math.floor(leaf.length / 2);
    parent[last] = `${leaf.slice(0, i)}${leaf[i] === 'A' ? 'B' : 'A'}${leaf.slice(i + 1)}`;
  } else throw new Error(`no leaf at ${path.join('.')}`);
  return copy;
}

describe('certificate signatures', () => {
  it('sign the RFC 8785 canonical JSON of every field but the signature, with the key id', () => {
    const certificate = signCertificate(body, key);
    expect(certificate.keyId).toBe(key.keyId);
    const { signature, ...signed } = certificate;
    // The signed text is JCS: sorted keys, no whitespace.
    expect(canonicalize(signed)).toMatch(/^\{"auditHead":\{"hash":"abab[^ ]*,"seq":41\},"certificateId":/);
    expect(Buffer.from(signature, 'base64')).toHaveLength(64);
    expect(verifyCertificate(certificate, key.pem)).toEqual({ valid: true, irrecoverable: false });
    expect(verifyCertificate({ ...certificate, irrecoverability: null }, key.pem)).toEqual({ valid: true, irrecoverable: false });
    // The same certificate read back with its keys in another order (as jsonb returns them).
    const reordered = Object.fromEntries(Object.entries(certificate).reverse());
    expect(verifyCertificate(reordered, key.pem)).toEqual({ valid: true, irrecoverable: false });
  });

  it('verify an attested certificate, with the key as any PEM spelling or among several keys', () => {
    const certificate = attested();
    expect(verifyCertificate(certificate, key.pem)).toEqual({ valid: true, irrecoverable: true });
    expect(verifyCertificate(certificate, key.pem.replace(/\n/g, '\r\n'))).toEqual({ valid: true, irrecoverable: true });
    expect(verifyCertificate(certificate, [other.pem, key.pem])).toEqual({ valid: true, irrecoverable: true });
  });

  it('fail when any one field of the certificate or its attestation changes', () => {
    const certificate = attested();
    const paths = leaves(certificate);
    expect(paths.length).toBeGreaterThanOrEqual(18);
    for (const path of paths) {
      const verdict = verifyCertificate(changedAt(certificate, path), key.pem);
      expect({ path: path.join('.'), valid: verdict.valid }).toEqual({ path: path.join('.'), valid: false });
    }
  });

  it('fail when one byte of either signature changes, or its base64 is spelled otherwise', () => {
    const certificate = attested();
    for (const field of ['signature', 'irrecoverability'] as const) {
      for (const index of [0, 31, 63]) {
        const copy = structuredClone(certificate);
        const holder = field === 'signature' ? copy : copy.irrecoverability!;
        const bytes = Buffer.from(holder.signature, 'base64');
        bytes[index] ^= 0x01;
        holder.signature = bytes.toString('base64');
        expect(verifyCertificate(copy, key.pem)).toEqual({ valid: false, reason: field === 'signature' ? 'bad-signature' : 'irrecoverability-bad-signature' });
      }
    }
    // The last base64 character carries 4 unused bits: another spelling decodes to the same bytes.
    const spelled = structuredClone(certificate);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const last = alphabet.indexOf(spelled.signature.at(-3)!);
    spelled.signature = `${spelled.signature.slice(0, -3)}${alphabet[last ^ 1]}==`;
    expect(Buffer.from(spelled.signature, 'base64').equals(Buffer.from(certificate.signature, 'base64'))).toBe(true);
    expect(verifyCertificate(spelled, key.pem)).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it('fail for an added field, another key, or an attestation moved to another certificate', () => {
    const certificate = attested();
    expect(verifyCertificate({ ...certificate, note: 'x' }, key.pem)).toEqual({ valid: false, reason: 'bad-signature' });
    expect(verifyCertificate(certificate, other.pem)).toEqual({ valid: false, reason: 'unknown-key' });
    expect(verifyCertificate({ ...certificate, irrecoverability: { ...certificate.irrecoverability, extra: 1 } }, key.pem)).toEqual({ valid: false, reason: 'irrecoverability-malformed' });
    const second = signCertificate({ ...body, certificateId: '6e2d3c8f-1066-4f9f-8b64-8d2f1f3e5c7b' }, key);
    expect(verifyCertificate({ ...second, irrecoverability: certificate.irrecoverability }, key.pem)).toEqual({ valid: false, reason: 'irrecoverability-bad-signature' });
    const forged = signIrrecoverability(certificate.certificateId, '2027-01-05T08:00:00.000Z', [1, 2], other);
    expect(verifyCertificate({ ...certificate, irrecoverability: forged }, key.pem)).toEqual({ valid: false, reason: 'irrecoverability-unknown-key' });
    expect(verifyCertificate(certificate, 'not a key')).toEqual({ valid: false, reason: 'bad-public-key' });
    expect(verifyCertificate('{}', key.pem)).toEqual({ valid: false, reason: 'malformed' });
  });
});
