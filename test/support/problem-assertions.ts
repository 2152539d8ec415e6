import { expect } from '@jest/globals';
import { DataSource } from 'typeorm';
import type { TestApp } from './test-app';

/** What the assertions read of a supertest response. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  text?: string;
}

export interface ProblemExpectation {
  /** For 400s (and 4xx with field errors): exactly these fields are named in `errors`, no others. */
  fields?: string[];
  /** Every `errors[].message` contains this text (e.g. "should not exist"). */
  message?: string;
}

/**
 * An RFC 9457 answer: the status, `application/problem+json`, the four members with the right
 * types, and for validation errors `errors: [{field, message}]` naming exactly `fields`.
 */
export function expectProblem(response: HttpAnswer, status: number, expectation: ProblemExpectation = {}): void {
  // The body goes into the diff when the status is wrong.
  expect({ status: response.status, body: response.body }).toMatchObject({ status });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = response.body as Record<string, unknown>;
  expect(body).toMatchObject({
    type: expect.stringMatching(/^(urn:|https?:|about:blank$)/),
    title: expect.stringMatching(/\S/),
    status,
    detail: expect.stringMatching(/\S/),
  });
  if (status === 400 || expectation.fields) {
    expect(Array.isArray(body.errors)).toBe(true);
    const errors = body.errors as { field?: unknown; message?: unknown }[];
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error).toEqual({ field: expect.any(String), message: expect.stringMatching(/\S/) });
    if (expectation.fields) expect([...new Set(errors.map((e) => e.field))].sort()).toEqual([...new Set(expectation.fields)].sort());
    if (expectation.message) for (const error of errors) expect(error.message).toContain(expectation.message);
  }
}

/** Row counts of every table a command writes: unchanged counts mean nothing was written. */
export async function writeCounts(t: TestApp): Promise<Record<string, number>> {
  const [row] = await t.app.get(DataSource).query(`
    SELECT (SELECT count(*) FROM es.events)::int AS events,
           (SELECT count(*) FROM app.customers)::int AS customers,
           (SELECT count(*) FROM app.idempotency_records)::int AS idempotency_records,
           (SELECT count(*) FROM crypto.data_keys)::int AS data_keys,
           (SELECT count(*) FROM crypto.blind_index)::int AS blind_index,
           (SELECT count(*) FROM crypto.campaign_keyspaces)::int AS keyspaces`);
  return row as Record<string, number>;
}

/** Events of one stream (e.g. `customer-<id>`), by type: what a GET may not show (details changes). */
export async function streamEventTypes(t: TestApp, streamId: string): Promise<string[]> {
  const rows: { type: string }[] = await t.app.get(DataSource).query(`SELECT type FROM es.events WHERE stream_id = $1 ORDER BY stream_revision`, [streamId]);
  return rows.map((row) => row.type);
}
