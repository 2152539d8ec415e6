import { expect } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import type { AnalyticsDataset } from './analytics-dataset';
import type { TestApp } from './test-app';

/** Every analytics query the suites compare: each route, each grouping, and the filters. */
export function analyticsQueries(d: AnalyticsDataset): string[] {
  const sales = ['seller', 'campaign', 'product', 'day', 'month'].map((g) => `/v1/analytics/sales?groupBy=${g}`);
  const activity = ['seller', 'campaign', 'day'].map((g) => `/v1/analytics/activity?groupBy=${g}`);
  return [
    ...sales,
    `/v1/analytics/sales?groupBy=day&sellerId=seller-bjorn`,
    `/v1/analytics/sales?groupBy=seller&from=2026-12-03&to=2026-12-03`,
    `/v1/analytics/sales?groupBy=day&campaignId=${d.campaigns.nyc}`,
    `/v1/analytics/sales?groupBy=seller&controllerId=ctl-atlantic`,
    `/v1/analytics/budgets`,
    `/v1/analytics/budgets?campaignId=${d.campaigns.oslo}`,
    `/v1/analytics/records?campaignId=${d.campaigns.oslo}`,
    `/v1/analytics/records?currency=EUR`,
    `/v1/analytics/responses?groupBy=code`,
    `/v1/analytics/responses?groupBy=seller`,
    `/v1/analytics/responses?groupBy=code&campaignId=${d.campaigns.oslo}`,
    `/v1/analytics/responses?groupBy=code&from=2026-12-03&to=2026-12-03`,
    ...activity,
    `/v1/analytics/activity?groupBy=day&sellerId=seller-carl`,
    `/v1/analytics/activity?groupBy=seller&from=2026-12-30&to=2027-01-01`,
  ];
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** GET each path as JSON and as CSV (after `waitFor`, when given): path and format -> the answer as sent. */
export async function fetchAnswers(t: TestApp, auth: Record<string, string>, paths: string[], waitFor?: string): Promise<Map<string, Answer>> {
  const answers = new Map<string, Answer>();
  for (const path of paths) {
    for (const accept of ['application/json', 'text/csv']) {
      const url = waitFor ? `${path}${path.includes('?') ? '&' : '?'}waitFor=${waitFor}` : path;
      const res = await t.http.get(url).set(auth).set('Accept', accept);
      answers.set(`${accept} ${path}`, { status: res.status, contentType: String(res.headers['content-type']), text: res.text });
    }
  }
  return answers;
}

/** The CSV parsed back, beside the JSON rows written the way CSV writes them (null as empty, numbers as text). */
export function expectCsvOfRows(csv: string, rows: Record<string, unknown>[], columns: string[]): void {
  const lines = csv.split('\r\n');
  expect(lines[0]).toBe(columns.join(','));
  const parsed: Record<string, string>[] = parse(csv, { columns: true, skip_empty_lines: true });
  const asText = rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c] === null || row[c] === undefined ? '' : String(row[c])])));
  expect(parsed).toEqual(asText);
}
