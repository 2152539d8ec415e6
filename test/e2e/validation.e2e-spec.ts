import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProbeModule } from '../support/probe.module';
import { startTestApp, type TestApp } from '../support/test-app';
import { tokenFor } from '../support/tokens';

describe('request validation', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp({ extraModules: [ProbeModule] });
    token = await tokenFor(t.config, ['service']);
  });
  afterAll(() => t.close());

  const post = (body: unknown) => t.http.post('/v1/probe/echo').set('Authorization', `Bearer ${token}`).send(body as object);

  it('accepts a valid body', async () => {
    const response = await post({ quantity: 2, customers: [{ customerRef: 'r1' }] }).expect(200);
    expect(response.body).toEqual({ quantity: 2, customers: 1 });
  });

  it('refuses an unknown property with 400 problem+json listing the field', async () => {
    const response = await post({ quantity: 2, customers: [], discount: 5 }).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 400, title: 'Validation failed' });
    expect(response.body.errors).toEqual([{ field: 'discount', message: expect.stringContaining('should not exist') }]);
  });

  it('refuses a wrong type with 400 problem+json, naming nested fields by path', async () => {
    const response = await post({
      quantity: 'two',
      customers: [{ customerRef: 'r1' }, { customerRef: 'r2', email: 'not-an-email', nickname: 'x' }],
    }).expect(400);
    expect(response.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'quantity', message: expect.stringContaining('integer') },
        { field: 'customers[1].email', message: expect.stringContaining('email') },
        { field: 'customers[1].nickname', message: expect.stringContaining('should not exist') },
      ]),
    );
    expect(JSON.stringify(response.body)).not.toContain('not-an-email');
  });

  it('answers malformed JSON with 400 problem+json that does not quote the body', async () => {
    const response = await t.http
      .post('/v1/probe/echo')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send('{"customers": [{"email": "leak@example.com"')
      .expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.detail).toBe('The request body is not valid JSON.');
    expect(response.text).not.toContain('leak@example.com');
  });
});
