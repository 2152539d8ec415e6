import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { ProbeModule } from '../support/probe.module';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app';
import { tokenFor } from '../support/tokens';

const secret = new TextEncoder().encode(TEST_JWT_SECRET);

function sign(claims: Record<string, unknown>, options: { expiresAt?: number; key?: Uint8Array } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('probe-client')
    .setIssuedAt()
    .setExpirationTime(options.expiresAt ?? '5m')
    .sign(options.key ?? secret);
}

describe('authentication and authorization (HS256)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ extraModules: [ProbeModule] });
  });
  afterAll(() => t.close());

  const probe = (token?: string, controllerId = 'c1') => {
    const call = t.http.get(`/v1/probe/controllers/${controllerId}`);
    return token ? call.set('Authorization', `Bearer ${token}`) : call;
  };

  const expectProblem = (response: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number) => {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  };

  it('answers 401 without a token', async () => {
    expectProblem(await probe(), 401);
  });

  it('answers 401 for a token signed with another secret', async () => {
    const forged = await sign({ roles: ['analyst'], controllers: ['c1'] }, { key: new TextEncoder().encode('x'.repeat(40)) });
    const response = await probe(forged);
    expectProblem(response, 401);
    expect(response.body.detail).toContain('signature');
  });

  it('answers 401 for an expired token', async () => {
    const expired = await sign({ roles: ['analyst'], controllers: ['c1'] }, { expiresAt: Math.floor(Date.now() / 1000) - 60 });
    const response = await probe(expired);
    expectProblem(response, 401);
    expect(response.body.detail).toContain('expired');
  });

  it('answers 401 for a token with an unknown role or without a controllers claim', async () => {
    expectProblem(await probe(await sign({ roles: ['root'], controllers: ['c1'] })), 401);
    expectProblem(await probe(await sign({ roles: ['analyst'] })), 401);
  });

  it('answers 401 for a malformed sellerId claim', async () => {
    for (const sellerId of [42, '', 'seller 1', 'x'.repeat(65), ['s1'], null]) {
      const response = await probe(await sign({ roles: ['analyst'], controllers: ['c1'], sellerId }));
      expectProblem(response, 401);
      expect(response.body.detail).toContain('sellerId');
    }
  });

  it('reads the sellerId claim the token issuer writes', async () => {
    const response = await probe(await tokenFor(t.config, ['analyst'], ['c1'], 'seller-17-user', { sellerId: 'seller-17.A_b' }));
    expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: { controllerId: 'c1', subject: 'seller-17-user', sellerId: 'seller-17.A_b' } });
  });

  it('answers 401 for an unsigned (alg none) token', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'x', roles: ['admin'], controllers: ['*'], exp: 9999999999 })).toString('base64url');
    expectProblem(await probe(`${header}.${payload}.`), 401);
  });

  it('answers 403 when the token lacks the role', async () => {
    const response = await probe(await tokenFor(t.config, ['seller'], ['c1']));
    expectProblem(response, 403);
    expect(response.body.detail).toContain('analyst');
  });

  it('answers 404 for a path id outside the token controllers, as for an unknown one', async () => {
    const response = await probe(await tokenFor(t.config, ['analyst'], ['c2']), 'c1');
    expectProblem(response, 404);
    expect(response.body).toMatchObject({ type: 'urn:campaign-ledger:problem:unknown-campaign', detail: 'no such campaign' });
  });

  it('answers 200 in scope, by id or by wildcard', async () => {
    const byId = await probe(await tokenFor(t.config, ['analyst'], ['c0', 'c1']));
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual({ controllerId: 'c1', subject: 'test-client', sellerId: null });
    expect((await probe(await tokenFor(t.config, ['admin'], ['*']), 'any-controller')).status).toBe(200);
  });
});

describe('authentication with a public key (RS256, ES256) and iss/aud checks', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      extraModules: [ProbeModule],
      env: {
        JWT_SECRET: '',
        JWT_PUBLIC_KEY: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        JWT_ISSUER: 'https://issuer.test',
        JWT_AUDIENCE: 'campaign-ledger',
      },
    });
  });
  afterAll(() => t.close());

  const rs256 = (issuer: string, audience: string) =>
    new SignJWT({ roles: ['analyst'], controllers: ['c1'] })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('idp-user')
      .setIssuer(issuer)
      .setAudience(audience)
      .setExpirationTime('5m')
      .sign(rsa.privateKey);

  it('accepts an RS256 token from the configured issuer for the configured audience', async () => {
    const token = await rs256('https://issuer.test', 'campaign-ledger');
    await t.http.get('/v1/probe/controllers/c1').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('refuses a wrong issuer, a wrong audience, and an HS256 token', async () => {
    for (const token of [
      await rs256('https://other.test', 'campaign-ledger'),
      await rs256('https://issuer.test', 'someone-else'),
      await sign({ roles: ['analyst'], controllers: ['c1'] }),
    ]) {
      await t.http.get('/v1/probe/controllers/c1').set('Authorization', `Bearer ${token}`).expect(401);
    }
  });
});
