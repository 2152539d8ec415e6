import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { validate } from '@readme/openapi-parser';
import { waitUntil } from '../support/event-store-database';
import { startTestApp, type TestApp } from '../support/test-app';

interface LogEntry {
  level: number;
  msg: string;
  req?: { url?: string };
}

describe('operations routes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { LOG_LEVEL: 'debug' } });
  });
  afterAll(() => t.close());

  const completed = (url: string) =>
    t.logLines.map((line) => JSON.parse(line) as LogEntry).filter((entry) => entry.msg === 'request completed' && entry.req?.url === url);

  it('logs successful /health polls at debug, other requests at info', async () => {
    await t.http.get('/health').expect(200);
    await t.http.get('/health').expect(200);
    await t.http.get('/metrics').expect(200);
    await waitUntil(() => completed('/metrics').length > 0, 2000, 'the /metrics request line');
    expect(completed('/health').map((entry) => entry.level)).toEqual([20, 20]);
    expect(completed('/metrics').map((entry) => entry.level)).toEqual([30]);
  });

  it('GET /health answers 200 when the database answers, without a token', async () => {
    const response = await t.http.get('/health').expect(200);
    expect(response.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('GET /metrics exposes default metrics and the HTTP request histogram by route template', async () => {
    await t.http.get('/health').expect(200);
    const response = await t.http.get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(response.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/health",status_code="200"\} [1-9]/);
    expect(response.text).toContain('process_cpu_user_seconds_total');
  });

  it('GET /docs-json is a valid OpenAPI 3 document and /docs serves the UI', async () => {
    const response = await t.http.get('/docs-json').expect(200);
    expect(response.body.openapi).toMatch(/^3\./);
    const result = await validate(structuredClone(response.body));
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(response.body.paths).toHaveProperty('/health');
    const ui = await t.http.get('/docs').expect(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('unknown routes answer 404 as problem+json', async () => {
    const response = await t.http.get('/v1/no-such-route?email=someone@example.com').expect(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 404, title: 'Not Found' });
    expect(JSON.stringify(response.body)).not.toContain('someone@example.com');
  });
});

describe('/metrics with METRICS_TOKEN set', () => {
  const token = 'scrape-token-0123456789abcdef';
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_TOKEN: token } });
  });
  afterAll(() => t.close());

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', `Bearer ${token.slice(0, -1)}x`],
    ['a longer token', `Bearer ${token}0`],
    ['the token under another scheme', `Basic ${token}`],
  ])('answers 401 problem+json to %s', async (_, authorization) => {
    const request = t.http.get('/metrics');
    if (authorization) request.set('Authorization', authorization);
    const response = await request.expect(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(response.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect(response.text).not.toContain('process_cpu_user_seconds_total');
  });

  it('serves the metrics to the right bearer token, and leaves /health open', async () => {
    const response = await t.http.get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
    expect(response.text).toContain('process_cpu_user_seconds_total');
    await t.http.get('/health').expect(200);
  });
});
