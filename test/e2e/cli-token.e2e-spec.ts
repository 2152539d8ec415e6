import { describe, expect, it } from '@jest/globals';
import { DEVELOPMENT_JWT_SECRET } from '@app/platform';
import { jwtVerify } from 'jose';
import { builtEntry, cleanEnv, runToEnd } from '../support/processes';

describe('cli token', () => {
  it('prints a development token carrying the requested roles and controllers', async () => {
    const result = runToEnd([builtEntry('cli'), 'token', '--role', 'analyst', '--controller', 'c1'], cleanEnv({}));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { payload, protectedHeader } = await jwtVerify(result.stdout.trim(), new TextEncoder().encode(DEVELOPMENT_JWT_SECRET));
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ roles: ['analyst'], controllers: ['c1'], sub: 'dev-cli' });
    expect(payload.exp! - payload.iat!).toBe(8 * 3600);
  });

  it('refuses an unknown role', () => {
    const result = runToEnd([builtEntry('cli'), 'token', '--role', 'root'], cleanEnv({}));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('unknown role "root"');
    expect(result.stdout).toBe('');
  });
});
