import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProbeModule } from '../support/probe.module';
import { startTestApp, type TestApp } from '../support/test-app';
import { tokenFor } from '../support/tokens';

// Every personal key named in API.md, each with a value that must never be seen in the log.
const PERSONAL = {
  name: 'MARKER-name-Kari-Nordmann',
  email: 'marker-email@example.com',
  phone: '+4799MARKER01',
  body: 'MARKER-sms-body',
  subject: 'MARKER-email-subject',
  notes: 'MARKER-call-notes',
  comment: 'MARKER-response-comment',
  fields: { crmSegment: 'MARKER-crm-field' },
  extraFields: { serial: 'MARKER-extra-field' },
  customerRef: 'MARKER-customer-ref',
  address: 'marker-address@example.com',
  personal: { anything: 'MARKER-personal-blob' },
};
const MARKERS = ['MARKER', 'marker-email', 'marker-address', '4799'];

describe('personal data never reaches the log', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp({ extraModules: [ProbeModule], env: { LOG_LEVEL: 'trace' } });
    token = await tokenFor(t.config, ['service']);
  });
  afterAll(() => t.close());

  const post = (path: string, body: unknown) =>
    t.http.post(`/v1/probe/${path}?email=${encodeURIComponent(PERSONAL.email)}`).set('Authorization', `Bearer ${token}`).send(body as object);

  it('keeps every personal value out of the log on success, validation failure and a thrown error', async () => {
    const customers = [0, 1, 2, 3].map((i) => ({ customerRef: `${PERSONAL.customerRef}-${i}`, name: PERSONAL.name, email: PERSONAL.email, phone: PERSONAL.phone }));
    // Accepted: the handler logs the whole DTO (top level comment, nested customers[3].email ...).
    await post('echo', { quantity: 1, comment: PERSONAL.comment, customers }).expect(200);
    // Refused by validation: every personal key at the top level and nested under customers[3].
    const nested = [...customers.slice(0, 3), { ...customers[3], ...PERSONAL }];
    await post('echo', { quantity: 'x', ...PERSONAL, customers: nested }).expect(400);
    // Throws an error whose message quotes names and e-mail addresses.
    const failed = await post('explode', { quantity: 1, customers }).expect(500);
    expect(failed.body.detail).not.toContain('MARKER');
    // Malformed JSON quoting personal data.
    await t.http
      .post('/v1/probe/echo')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(`{"email": "${PERSONAL.email}", "name": "${PERSONAL.name}`)
      .expect(400);

    const log = t.logLines.join('\n');
    // The log did record these requests, so an empty log cannot pass this test.
    expect(t.logLines.filter((line) => line.includes('/v1/probe/echo')).length).toBeGreaterThanOrEqual(3);
    expect(log).toContain('probe received');
    expect(log).toContain('[Redacted]');
    expect(t.logLines.some((line) => line.includes('"level":50') && line.includes('explode'))).toBe(true);
    for (const marker of MARKERS) {
      expect({ marker, found: log.includes(marker) }).toEqual({ marker, found: false });
    }
  });
});
