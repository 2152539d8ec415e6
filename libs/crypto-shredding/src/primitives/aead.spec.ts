import { describe, expect, it } from '@jest/globals';
import { AuthenticationFailed, gcmDecrypt, gcmEncrypt, lengthPrefixed, randomIv } from './aead';

const hex = (value: string) => Buffer.from(value, 'hex');

// AES-256 vectors from the GCM specification (McGrew & Viega), as used in NIST's GCM validation.
const VECTORS = [
  {
    name: 'test case 14: zero key, zero IV, one zero block',
    key: hex('00'.repeat(32)),
    iv: hex('00'.repeat(12)),
    aad: Buffer.alloc(0),
    plain: hex('00'.repeat(16)),
    ct: 'cea7403d4d606b6e074ec5d3baf39d18',
    tag: 'd0d1c8a799996bf0265b98b5d48ab919',
  },
  {
    name: 'test case 16: 60-byte plaintext, 20-byte AAD',
    key: hex('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308'),
    iv: hex('cafebabefacedbaddecaf888'),
    aad: hex('feedfacedeadbeeffeedfacedeadbeefabaddad2'),
    plain: hex('d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39'),
    ct: '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662',
    tag: '76fc6ece0f4e1768cddf8853bb2d551b',
  },
];

describe('AES-256-GCM primitive (the one the sealer and key wrapping use)', () => {
  it.each(VECTORS)('matches the known answer of $name', ({ key, iv, aad, plain, ct, tag }) => {
    const sealed = gcmEncrypt(key, iv, plain, aad);
    expect(sealed.toString('hex')).toBe(ct + tag);
    expect(gcmDecrypt(key, iv, sealed, aad).equals(plain)).toBe(true);
  });

  it('refuses a wrong tag, wrong AAD and a truncated tag', () => {
    const { key, iv, aad, plain } = VECTORS[1];
    const sealed = gcmEncrypt(key, iv, plain, aad);
    const badTag = Buffer.from(sealed);
    badTag[badTag.length - 1] ^= 1;
    expect(() => gcmDecrypt(key, iv, badTag, aad)).toThrow(AuthenticationFailed);
    expect(() => gcmDecrypt(key, iv, sealed, Buffer.from('other'))).toThrow(AuthenticationFailed);
    expect(() => gcmDecrypt(key, iv, sealed.subarray(0, sealed.length - 4), aad)).toThrow(AuthenticationFailed);
  });
});

describe('randomIv', () => {
  it('gives 96-bit IVs that do not repeat across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i += 1) {
      const iv = randomIv();
      expect(iv.length).toBe(12);
      seen.add(iv.toString('hex'));
    }
    expect(seen.size).toBe(20_000);
  });
});

describe('lengthPrefixed', () => {
  it('keeps part boundaries: ("ab","c") and ("a","bc") differ', () => {
    expect(lengthPrefixed('ab', 'c').equals(lengthPrefixed('a', 'bc'))).toBe(false);
    expect(lengthPrefixed('ab', 'c').toString('hex')).toBe('00000002616200000001' + '63');
  });
});
