import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeyringError } from '../errors';
import { KEY_BYTES } from '../primitives/aead';
import { writeFileAtomically } from './atomic-file';
import type { KekProvider, KeyringSnapshot } from './kek-provider';

interface VersionedKeyJson {
  version: number;
  key: string;
  createdAt: string;
}

interface KeyringFileJson {
  format: 1;
  keks: VersionedKeyJson[];
  indexKeys: VersionedKeyJson[];
  signing: { keyId: string; privateKeyPem: string };
}

export interface LocalKeyringOptions {
  file: string;
  /** Development and tests: create a new keyring when the file does not exist. Never in production. */
  createIfMissing: boolean;
  /** Told when a keyring is generated (a development convenience that must be visible). */
  onGenerated?: (file: string) => void;
}

/** KEKs, index keys and the certificate signing key in one JSON file, mode 0600, replaced atomically. */
export class LocalKeyringProvider implements KekProvider {
  readonly description: string;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: LocalKeyringOptions) {
    this.description = `keyring file ${options.file}`;
  }

  async load(): Promise<KeyringSnapshot> {
    if (!existsSync(this.options.file)) {
      if (!this.options.createIfMissing) {
        throw new KeyringError(`${this.description} does not exist; a production keyring must be provided (KEYRING_FILE), never generated`);
      }
      await this.serialized(async () => {
        if (existsSync(this.options.file)) return;
        await mkdir(dirname(this.options.file), { recursive: true, mode: 0o700 });
        await writeFileAtomically(this.options.file, JSON.stringify(newKeyring(), null, 2));
        this.options.onGenerated?.(this.options.file);
      });
    }
    return toSnapshot(await this.read());
  }

  addVersions(): Promise<{ kekVersion: number; indexKeyVersion: number }> {
    return this.serialized(async () => {
      const keyring = await this.read();
      const kekVersion = Math.max(0, ...keyring.keks.map((k) => k.version)) + 1;
      const indexKeyVersion = Math.max(0, ...keyring.indexKeys.map((k) => k.version)) + 1;
      keyring.keks.push(newVersionedKey(kekVersion));
      keyring.indexKeys.push(newVersionedKey(indexKeyVersion));
      await writeFileAtomically(this.options.file, JSON.stringify(keyring, null, 2));
      return { kekVersion, indexKeyVersion };
    });
  }

  retire(versions: { keks: number[]; indexKeys: number[] }): Promise<void> {
    return this.serialized(async () => {
      const keyring = await this.read();
      keyring.keks = keyring.keks.filter((k) => !versions.keks.includes(k.version));
      keyring.indexKeys = keyring.indexKeys.filter((k) => !versions.indexKeys.includes(k.version));
      if (keyring.keks.length === 0 || keyring.indexKeys.length === 0) {
        throw new KeyringError('refusing to retire the last KEK or index-key version');
      }
      await writeFileAtomically(this.options.file, JSON.stringify(keyring, null, 2));
    });
  }

  private async read(): Promise<KeyringFileJson> {
    let text: string;
    try {
      const info = await stat(this.options.file);
      if ((info.mode & 0o077) !== 0) {
        throw new KeyringError(`${this.description} is readable by others (mode ${(info.mode & 0o777).toString(8)}); chmod 600 it`);
      }
      text = await readFile(this.options.file, 'utf8');
    } catch (error) {
      if (error instanceof KeyringError) throw error;
      throw new KeyringError(`${this.description} cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    try {
      return validate(JSON.parse(text));
    } catch (error) {
      // A JSON syntax error quotes the text around it, which here is key material.
      const reason = error instanceof SyntaxError ? 'not valid JSON' : (error as Error).message;
      throw new KeyringError(`${this.description} is not a valid keyring: ${reason}`);
    }
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.writing.then(work, work);
    this.writing = next.catch(() => undefined);
    return next;
  }
}

function newVersionedKey(version: number): VersionedKeyJson {
  return { version, key: randomBytes(KEY_BYTES).toString('base64'), createdAt: new Date().toISOString() };
}

function newKeyring(): KeyringFileJson {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    format: 1,
    keks: [newVersionedKey(1)],
    indexKeys: [newVersionedKey(1)],
    signing: { keyId: signingKeyId(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString()), privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
  };
}

/** A stable id for a signing key: the first 16 hex digits of SHA-256 over its SPKI PEM. */
export function signingKeyId(publicKeyPem: string): string {
  return `ed25519-${createHash('sha256').update(publicKeyPem).digest('hex').slice(0, 16)}`;
}

function validate(json: unknown): KeyringFileJson {
  const keyring = json as KeyringFileJson;
  if (!keyring || keyring.format !== 1) throw new Error('unknown format');
  for (const list of [keyring.keks, keyring.indexKeys]) {
    if (!Array.isArray(list) || list.length === 0) throw new Error('no key versions');
    for (const entry of list) {
      if (!Number.isInteger(entry.version) || entry.version < 1) throw new Error('bad key version');
      if (Buffer.from(entry.key ?? '', 'base64').length !== KEY_BYTES) throw new Error(`key version ${entry.version} is not 256 bits`);
    }
  }
  if (typeof keyring.signing?.privateKeyPem !== 'string' || typeof keyring.signing.keyId !== 'string') throw new Error('no signing key');
  return keyring;
}

function toSnapshot(keyring: KeyringFileJson): KeyringSnapshot {
  const privateKey = createPrivateKey(keyring.signing.privateKeyPem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new KeyringError('the signing key must be Ed25519');
  return {
    keks: new Map(keyring.keks.map((k) => [k.version, Buffer.from(k.key, 'base64')])),
    indexKeys: new Map(keyring.indexKeys.map((k) => [k.version, Buffer.from(k.key, 'base64')])),
    signing: { keyId: keyring.signing.keyId, privateKey, publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString() },
  };
}
