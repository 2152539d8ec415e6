import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { KeyringError } from '../errors';
import { LocalKeyringProvider } from './local-keyring.provider';

describe('LocalKeyringProvider', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyring-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('generates a keyring in development, mode 0600, and says so', async () => {
    const generated: string[] = [];
    const file = join(dir, 'nested', 'keyring.json');
    const snapshot = await new LocalKeyringProvider({ file, createIfMissing: true, onGenerated: (f) => generated.push(f) }).load();
    expect(generated).toEqual([file]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect([...snapshot.keks.keys()]).toEqual([1]);
    expect(snapshot.keks.get(1)!.length).toBe(32);
    expect(snapshot.indexKeys.get(1)!.length).toBe(32);
    expect(snapshot.signing.keyId).toMatch(/^ed25519-[0-9a-f]{16}$/);
    expect(snapshot.signing.privateKey.asymmetricKeyType).toBe('ed25519');
    // Loading again reads the same material rather than generating another.
    const again = await new LocalKeyringProvider({ file, createIfMissing: true }).load();
    expect(again.keks.get(1)!.equals(snapshot.keks.get(1)!)).toBe(true);
  });

  it('in production, a missing keyring is an error and no file is written', async () => {
    const file = join(dir, 'keyring.json');
    await expect(new LocalKeyringProvider({ file, createIfMissing: false }).load()).rejects.toThrow(KeyringError);
    await expect(new LocalKeyringProvider({ file, createIfMissing: false }).load()).rejects.toThrow(/does not exist/);
    expect(existsSync(file)).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });

  it('a corrupt keyring is an error naming the file, never replaced by a new one', async () => {
    const file = join(dir, 'keyring.json');
    await writeFile(file, '{"format": 1, "keks": [', { mode: 0o600 });
    for (const createIfMissing of [false, true]) {
      await expect(new LocalKeyringProvider({ file, createIfMissing }).load()).rejects.toThrow(`keyring file ${file} is not a valid keyring`);
    }
    expect(await readFile(file, 'utf8')).toBe('{"format": 1, "keks": [');
  });

  // V8 from Node 22 on quotes the text around a JSON syntax error; Node 20 names only a character.
  it('never quotes key material from a corrupt file in its error', async () => {
    const file = join(dir, 'keyring.json');
    const secret = 'A'.repeat(43) + '=';
    await writeFile(file, `{"format": 1, "keks": [{"version": 1, "key": "${secret}" oops}]}`, { mode: 0o600 });
    await expect(new LocalKeyringProvider({ file, createIfMissing: false }).load()).rejects.toThrow(expect.objectContaining({ message: expect.not.stringContaining('AAAAAAAA') }));
  });

  it('refuses a keyring readable by others', async () => {
    const file = join(dir, 'keyring.json');
    await new LocalKeyringProvider({ file, createIfMissing: true }).load();
    const { chmod } = await import('node:fs/promises');
    await chmod(file, 0o644);
    await expect(new LocalKeyringProvider({ file, createIfMissing: false }).load()).rejects.toThrow(/readable by others/);
  });

  it('adds versions and retires them by removing their material from the file', async () => {
    const file = join(dir, 'keyring.json');
    const provider = new LocalKeyringProvider({ file, createIfMissing: true });
    const first = await provider.load();
    expect(await provider.addVersions()).toEqual({ kekVersion: 2, indexKeyVersion: 2 });
    await provider.retire({ keks: [1], indexKeys: [1] });
    const after = await provider.load();
    expect([...after.keks.keys()]).toEqual([2]);
    expect(await readFile(file, 'utf8')).not.toContain(first.keks.get(1)!.toString('base64'));
    await expect(provider.retire({ keks: [2], indexKeys: [] })).rejects.toThrow(/last/);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
