import { ProblemException } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type AnalyticsFilters, whereOf } from './analytics-filters';

export type SalesGrouping = 'seller' | 'campaign' | 'product' | 'day' | 'month';
export type ActivityGrouping = 'seller' | 'campaign' | 'day';
export type ResponseGrouping = 'code' | 'seller';

export interface SalesRow {
  key: string;
  currency: string;
  sales: number;
  quantity: number;
  revenueMinor: number;
  sellerName?: string | null;
}

export interface SalesTotal {
  currency: string;
  sales: number;
  quantity: number;
  revenueMinor: number;
}

export interface BudgetRow {
  campaignId: string;
  sellerId: string;
  currency: string;
  targetMinor: number;
  revenueMinor: number;
  attainment: number | null;
}

export interface RecordEntry {
  sellerId?: string;
  campaignId?: string;
  day?: string;
  revenueMinor: number;
  currency: string;
}

export interface Records {
  bestSellerDay: RecordEntry | null;
  bestCampaignDay: RecordEntry | null;
  largestSale: RecordEntry | null;
}

export interface ActivityRow {
  key: string;
  currency: string;
  calls: number;
  talkSeconds: number;
  sms: number;
  emails: number;
  responses: number;
  sales: number;
  revenueMinor: number;
  salesPerTalkHour: number | null;
  conversion: number | null;
}

const SALES_KEYS: Record<SalesGrouping, string> = {
  seller: 'seller_id',
  campaign: 'campaign_id::text',
  product: 'sku',
  day: `to_char(local_day, 'YYYY-MM-DD')`,
  month: `to_char(local_day, 'YYYY-MM')`,
};
const ACTIVITY_KEYS: Record<ActivityGrouping, string> = { seller: 'seller_id', campaign: 'campaign_id::text', day: `to_char(local_day, 'YYYY-MM-DD')` };
const RESPONSE_KEYS: Record<ResponseGrouping, string> = { code: 'code', seller: 'seller_id' };

const int = (value: string | number | null) => (value === null ? 0 : Number(value));

/**
 * Sales figures from the analytics tables: always from the aggregates (never a scan of the facts,
 * but for the single largest sale), per currency, in each campaign's local days.
 */
@Injectable()
export class AnalyticsQueries {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async sales(filters: AnalyticsFilters, groupBy: SalesGrouping): Promise<{ rows: SalesRow[]; totals: SalesTotal[] }> {
    const { where, parameters } = whereOf(filters);
    const rows: { key: string; currency: string; sales: string; quantity: string; revenue: string }[] = await this.dataSource.query(
      `SELECT ${SALES_KEYS[groupBy]} AS key, currency, sum(sales) AS sales, sum(quantity) AS quantity, sum(revenue_minor) AS revenue
         FROM analytics.sales_daily ${where}
        GROUP BY 1, 2 ORDER BY 1, 2`,
      parameters,
    );
    const out = rows.map((r) => ({ key: r.key, currency: r.currency, sales: int(r.sales), quantity: int(r.quantity), revenueMinor: int(r.revenue) }));
    const totals = new Map<string, SalesTotal>();
    for (const row of out) {
      const total = totals.get(row.currency) ?? { currency: row.currency, sales: 0, quantity: 0, revenueMinor: 0 };
      total.sales += row.sales;
      total.quantity += row.quantity;
      total.revenueMinor += row.revenueMinor;
      totals.set(row.currency, total);
    }
    return { rows: out, totals: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)) };
  }

  async budgets(filters: AnalyticsFilters): Promise<BudgetRow[]> {
    const { where, parameters } = whereOf({ ...filters, from: undefined, to: undefined }, 'b');
    const rows: { campaign_id: string; seller_id: string; currency: string; target: string; revenue: string | null }[] = await this.dataSource.query(
      `SELECT b.campaign_id, b.seller_id, b.currency, b.target_minor AS target, s.revenue
         FROM analytics.budgets b
         LEFT JOIN LATERAL (
           SELECT sum(d.revenue_minor) AS revenue FROM analytics.sales_daily d WHERE d.campaign_id = b.campaign_id AND d.seller_id = b.seller_id
         ) s ON true
         ${where}
        ORDER BY b.campaign_id, b.seller_id`,
      parameters,
    );
    return rows.map((r) => {
      const targetMinor = int(r.target);
      const revenueMinor = int(r.revenue);
      return { campaignId: r.campaign_id, sellerId: r.seller_id, currency: r.currency, targetMinor, revenueMinor, attainment: targetMinor > 0 ? revenueMinor / targetMinor : null };
    });
  }

  /** Records within the filters; they compare amounts, so they must share one currency. */
  async records(filters: AnalyticsFilters & { currency?: string }): Promise<Records> {
    const { where, parameters } = whereOf(filters);
    const currencies: { currency: string }[] = await this.dataSource.query(`SELECT DISTINCT currency FROM analytics.sales_daily ${where}`, parameters);
    const wanted = filters.currency ?? (currencies.length === 1 ? currencies[0].currency : undefined);
    if (!wanted) {
      if (currencies.length === 0) return { bestSellerDay: null, bestCampaignDay: null, largestSale: null };
      throw new ProblemException('mixed-currencies', 'The sales in these filters are in several currencies; name one with currency= or narrow them with campaignId=.', {
        errors: [{ field: 'currency', message: 'currency is required when the filtered sales are in several currencies' }],
      });
    }
    const scoped = whereOf(filters);
    const params = [...scoped.parameters, wanted];
    const currencyClause = `${scoped.where ? `${scoped.where} AND` : 'WHERE'} currency = $${params.length}`;
    const best = async (group: 'seller_id' | 'campaign_id') => {
      const [row]: { id: string; day: string; revenue: string }[] = await this.dataSource.query(
        `SELECT ${group}::text AS id, to_char(local_day, 'YYYY-MM-DD') AS day, sum(revenue_minor) AS revenue
           FROM analytics.sales_daily ${currencyClause}
          GROUP BY ${group}, local_day ORDER BY sum(revenue_minor) DESC, local_day, ${group} LIMIT 1`,
        params,
      );
      return row;
    };
    const sellerDay = await best('seller_id');
    const campaignDay = await best('campaign_id');
    const [largest]: { seller_id: string; campaign_id: string; day: string; amount: string }[] = await this.dataSource.query(
      `SELECT seller_id, campaign_id, to_char(local_day, 'YYYY-MM-DD') AS day, amount_minor AS amount
         FROM analytics.sales ${currencyClause}
        ORDER BY amount_minor DESC, sold_at, interaction_id LIMIT 1`,
      params,
    );
    return {
      bestSellerDay: sellerDay ? { sellerId: sellerDay.id, day: sellerDay.day, revenueMinor: int(sellerDay.revenue), currency: wanted } : null,
      bestCampaignDay: campaignDay ? { campaignId: campaignDay.id, day: campaignDay.day, revenueMinor: int(campaignDay.revenue), currency: wanted } : null,
      largestSale: largest ? { sellerId: largest.seller_id, campaignId: largest.campaign_id, day: largest.day, revenueMinor: int(largest.amount), currency: wanted } : null,
    };
  }

  async responses(filters: AnalyticsFilters, groupBy: ResponseGrouping): Promise<{ key: string; count: number }[]> {
    const { where, parameters } = whereOf(filters);
    const rows: { key: string; count: string }[] = await this.dataSource.query(
      `SELECT ${RESPONSE_KEYS[groupBy]} AS key, sum(responses) AS count FROM analytics.responses_daily ${where} GROUP BY 1 ORDER BY 1`,
      parameters,
    );
    return rows.map((r) => ({ key: r.key, count: int(r.count) }));
  }

  async activity(filters: AnalyticsFilters, groupBy: ActivityGrouping): Promise<ActivityRow[]> {
    const { where, parameters } = whereOf(filters);
    const rows: Record<string, string>[] = await this.dataSource.query(
      `SELECT ${ACTIVITY_KEYS[groupBy]} AS key, currency, sum(calls) AS calls, sum(talk_seconds) AS talk, sum(sms) AS sms, sum(emails) AS emails,
              sum(responses) AS responses, sum(sales) AS sales, sum(revenue_minor) AS revenue
         FROM analytics.activity_daily ${where}
        GROUP BY 1, 2 ORDER BY 1, 2`,
      parameters,
    );
    return rows.map((r) => {
      const talkSeconds = int(r.talk);
      const responses = int(r.responses);
      const sales = int(r.sales);
      return {
        key: r.key,
        currency: r.currency,
        calls: int(r.calls),
        talkSeconds,
        sms: int(r.sms),
        emails: int(r.emails),
        responses,
        sales,
        revenueMinor: int(r.revenue),
        salesPerTalkHour: talkSeconds > 0 ? sales / (talkSeconds / 3600) : null,
        conversion: responses > 0 ? sales / responses : null,
      };
    });
  }
}
