import { describe, expect, it } from '@jest/globals';
import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('gives documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ NODE_ENV: 'development', PORT: 3000, DATA_DIR: './.data', LOG_LEVEL: 'info' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.jwtSecret).toBe(DEVELOPMENT_JWT_SECRET);
    expect(config.logFormat).toBe('pretty');
  });

  it('converts numbers and ignores variables it does not know', () => {
    const config = loadConfig({ PORT: '8080', EMBEDDED_PG_PORT: '6000', UNRELATED: 'x' });
    expect(config.PORT).toBe(8080);
    expect(config.EMBEDDED_PG_PORT).toBe(6000);
    expect(config).not.toHaveProperty('UNRELATED');
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT must be an integer number \(got "eighty"\)$/],
    [{ PORT: '70000' }, /^PORT must not be greater than 65535/],
    [{ NODE_ENV: 'staging' }, /^NODE_ENV must be one of the following values/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must be a postgres:\/\/ connection URL/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/],
    [{ JWT_SECRET: 'short' }, /^JWT_SECRET must be at least 32 characters$/],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never echoes a secret in its error', () => {
    expect(() => loadConfig({ JWT_SECRET: 'tiny-secret' })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('tiny-secret') }));
    expect(() => loadConfig({ METRICS_TOKEN: 'tiny-token' })).toThrow('METRICS_TOKEN must be at least 16 characters');
    expect(() => loadConfig({ METRICS_TOKEN: 'tiny-token' })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('tiny-token') }));
  });

  it('leaves /metrics open unless METRICS_TOKEN is set', () => {
    expect(loadConfig({}).METRICS_TOKEN).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: '' }).METRICS_TOKEN).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: 'scrape-0123456789abcdef' }).METRICS_TOKEN).toBe('scrape-0123456789abcdef');
  });

  it('refuses the development secret and a missing key in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow('JWT_SECRET or JWT_PUBLIC_KEY must be set when NODE_ENV=production');
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: DEVELOPMENT_JWT_SECRET })).toThrow(/development secret/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40) })).toThrow(/^KEYRING_FILE must be set/);
    const production = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40), KEYRING_FILE: '/run/secrets/keyring.json' });
    expect(production.jwtSecret).toBe('p'.repeat(40));
    expect(production.logFormat).toBe('json');
    expect(production.erasureLedgerFile).toBe('/run/secrets/erasure-ledger.jsonl');
  });

  it('keeps the development keyring and its ledger under DATA_DIR', () => {
    const config = loadConfig({ DATA_DIR: '/var/tmp/ledger/' });
    expect(config.keyringFile).toBe('/var/tmp/ledger/keyring.json');
    expect(config.erasureLedgerFile).toBe('/var/tmp/ledger/erasure-ledger.jsonl');
    expect(() => loadConfig({ PHONE_DEFAULT_REGION: 'norway' })).toThrow(/^PHONE_DEFAULT_REGION must be an ISO 3166-1/);
  });

  it('refuses both a secret and a public key', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----';
    expect(() => loadConfig({ JWT_SECRET: 's'.repeat(32), JWT_PUBLIC_KEY: pem })).toThrow(/set exactly one/);
    expect(loadConfig({ JWT_PUBLIC_KEY: pem }).jwtSecret).toBeUndefined();
  });
});
