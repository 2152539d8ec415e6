import { ApiProblems, CurrentPrincipal, type Principal, Roles, ValidationProblem } from '@app/platform';
import { Controller, Get, Inject, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { stringify } from 'csv-stringify/sync';
import type { Request, Response } from 'express';
import { type AnalyticsFilters, scopedFilters } from '../queries/analytics-filters';
import { AnalyticsQueries } from '../queries/analytics-queries';
import { SellerNames } from '../queries/seller-names';
import { ActivityQueryDto, AnalyticsScopeQueryDto, RecordsQueryDto, ResponsesQueryDto, SalesQueryDto } from './analytics-query.dto';
import { AnalyticsWaitForInterceptor, ReadsProjections } from './analytics-wait-for.interceptor';

const CSV = 'text/csv';

// CSV columns per route, fixed: taken from the first row, an empty answer would have no header
// and a row with fields the first lacks (records) would lose them.
const SALES_COLUMNS = ['key', 'currency', 'sales', 'quantity', 'revenueMinor'];
const BUDGET_COLUMNS = ['campaignId', 'sellerId', 'currency', 'targetMinor', 'revenueMinor', 'attainment'];
const RECORD_COLUMNS = ['record', 'sellerId', 'campaignId', 'day', 'revenueMinor', 'currency'];
const RESPONSE_COLUMNS = ['key', 'count'];
const ACTIVITY_COLUMNS = ['key', 'currency', 'calls', 'talkSeconds', 'sms', 'emails', 'responses', 'sales', 'revenueMinor', 'salesPerTalkHour', 'conversion'];

/** JSON, or the rows as RFC 4180 CSV with a header when the client prefers `text/csv`. */
function answer<Row extends object>(req: Request, res: Response, body: { rows: Row[] } & Record<string, unknown>, columns: string[]): unknown {
  if (!prefersCsv(req)) return body;
  res.type(`${CSV}; charset=utf-8`);
  return stringify(body.rows as Record<string, unknown>[], { header: true, columns, record_delimiter: '\r\n', cast: { boolean: (v) => String(v), string: neutralizeFormula } });
}

/**
 * A text cell a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first: OWASP's
 * CSV injection list) gets a leading apostrophe. Only text: numbers are numbers. Seller names and
 * keys are caller-chosen text.
 */
export const neutralizeFormula = (value: string): string => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

const prefersCsv = (req: Request) => req.accepts(['application/json', CSV]) === CSV;

function filtersOf(principal: Principal, query: AnalyticsScopeQueryDto & { from?: string; to?: string }): AnalyticsFilters {
  if (query.from && query.to && query.from > query.to) throw new ValidationProblem([{ field: 'to', message: 'to must not be before from' }]);
  const { campaignId, sellerId, controllerId, from, to } = query;
  return scopedFilters(principal, { campaignId, sellerId, controllerId, from, to });
}

@ApiTags('analytics')
@ApiBearerAuth()
@ApiProduces('application/json', CSV)
@ApiProblems('unauthorized', 'forbidden', ['validation', { errors: [{ field: 'to', message: 'to must not be before from' }] }], 'read-model-behind')
@UseInterceptors(AnalyticsWaitForInterceptor)
@Controller('v1/analytics')
export class AnalyticsController {
  constructor(
    @Inject(AnalyticsQueries) private readonly queries: AnalyticsQueries,
    @Inject(SellerNames) private readonly sellerNames: SellerNames,
  ) {}

  @Get('sales')
  @Roles('analyst', 'admin')
  @ReadsProjections('sales')
  @ApiOperation({ summary: 'Sales grouped by seller, campaign, product, local day or month, with totals per currency' })
  @ApiOkResponse({
    schema: {
      example: {
        rows: [{ key: 'seller-17', currency: 'NOK', sales: 12, quantity: 14, revenueMinor: 278600, sellerName: 'Ola Selger' }],
        totals: [{ currency: 'NOK', sales: 12, quantity: 14, revenueMinor: 278600 }],
      },
    },
  })
  async sales(@Query() query: SalesQueryDto, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const groupBy = query.groupBy ?? 'seller';
    const result = await this.queries.sales(filtersOf(principal, query), groupBy);
    if (groupBy === 'seller') {
      const names = await this.sellerNames.of(result.rows.map((r) => r.key));
      for (const row of result.rows) row.sellerName = names.get(row.key) ?? null;
    }
    return answer(req, res, result, groupBy === 'seller' ? [...SALES_COLUMNS, 'sellerName'] : SALES_COLUMNS);
  }

  @Get('budgets')
  @Roles('analyst', 'admin')
  @ReadsProjections('campaigns', 'sales')
  @ApiOperation({ summary: 'Budget targets per seller and campaign with revenue and attainment (1.0 is 100 %)' })
  @ApiOkResponse({ schema: { example: { rows: [{ campaignId: '0b6f3c1e-3f7a-4c55-9d1e-2a9b8c7d6e5f', sellerId: 'seller-17', currency: 'NOK', targetMinor: 500000, revenueMinor: 278600, attainment: 0.5572 }] } } })
  async budgets(@Query() query: AnalyticsScopeQueryDto, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return answer(req, res, { rows: await this.queries.budgets(filtersOf(principal, query)) }, BUDGET_COLUMNS);
  }

  @Get('records')
  @Roles('analyst', 'admin')
  @ReadsProjections('sales')
  @ApiOperation({ summary: 'Best seller-day, best campaign-day and largest sale (one currency; name it when the filters span several)' })
  @ApiProblems('mixed-currencies')
  @ApiOkResponse({
    schema: {
      example: {
        bestSellerDay: { sellerId: 'seller-17', day: '2026-12-03', revenueMinor: 99800, currency: 'NOK' },
        bestCampaignDay: { campaignId: '0b6f3c1e-3f7a-4c55-9d1e-2a9b8c7d6e5f', day: '2026-12-03', revenueMinor: 159700, currency: 'NOK' },
        largestSale: { sellerId: 'seller-17', campaignId: '0b6f3c1e-3f7a-4c55-9d1e-2a9b8c7d6e5f', day: '2026-12-03', revenueMinor: 59900, currency: 'NOK' },
      },
    },
  })
  async records(@Query() query: RecordsQueryDto, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const records = await this.queries.records({ ...filtersOf(principal, query), currency: query.currency });
    const rows = (['bestSellerDay', 'bestCampaignDay', 'largestSale'] as const).map((record) => ({ record, ...(records[record] ?? {}) }));
    return prefersCsv(req) ? answer(req, res, { rows }, RECORD_COLUMNS) : records;
  }

  @Get('responses')
  @Roles('analyst', 'admin')
  @ReadsProjections('activity')
  @ApiOperation({ summary: 'Registered responses counted by code or by seller' })
  @ApiOkResponse({ schema: { example: { rows: [{ key: 'interested', count: 41 }] } } })
  async responses(@Query() query: ResponsesQueryDto, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return answer(req, res, { rows: await this.queries.responses(filtersOf(principal, query), query.groupBy ?? 'code') }, RESPONSE_COLUMNS);
  }

  @Get('activity')
  @Roles('analyst', 'admin')
  @ReadsProjections('activity')
  @ApiOperation({ summary: 'Call-centre activity: calls, talk time, SMS, e-mails, responses, sales; sales per talk hour and conversion (sales / responses)' })
  @ApiOkResponse({
    schema: {
      example: {
        rows: [{ key: 'seller-17', currency: 'NOK', calls: 40, talkSeconds: 7200, sms: 12, emails: 3, responses: 20, sales: 5, revenueMinor: 99500, salesPerTalkHour: 2.5, conversion: 0.25 }],
      },
    },
  })
  async activity(@Query() query: ActivityQueryDto, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return answer(req, res, { rows: await this.queries.activity(filtersOf(principal, query), query.groupBy ?? 'seller') }, ACTIVITY_COLUMNS);
  }
}
