import { BlindIndex } from '@app/crypto-shredding';
import { ApiRequestContent, CurrentPrincipal, type Principal, type ProblemEntry, Roles } from '@app/platform';
import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ChangeCustomerDetailsCommand } from '../application/commands/change-customer-details/change-customer-details.command';
import { EnrollCustomersCommand } from '../application/commands/enroll-customers/enroll-customers.command';
import { type InteractionInput, RecordInteractionCommand } from '../application/commands/record-interaction/record-interaction.command';
import { GetCustomerQuery } from '../application/queries/get-customer/get-customer.query';
import { ListCustomersQuery } from '../application/queries/list-customers/list-customers.query';
import { CommandRoute, CSV_EXAMPLE, CSV_FORMAT, ReadRoute } from './api-docs';
import { commandRequest } from './command-request';
import { DomainProblemsInterceptor } from './domain-problems.interceptor';
import { csvEnrollment, enrollmentBody, withCsvLines } from './enrollment-body';
import { WaitForInterceptor } from './wait-for.interceptor';
import { CallDto, EmailDto, EnrollCustomersDto, ListCustomersQueryDto, PatchCustomerDto, ResponseDto, SaleDto, SmsDto, WaitForQueryDto } from './dto/customer.dto';

// A position in the real format (opaque to clients): transaction id and log position.
const position = '00000000000000000917-00000000000000004211';
const customerId = '5d0c9f1a-6b1e-4c2d-8e3f-7a6b5c4d3e2f';
const interactionCreated = { schema: { example: { interactionId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', position } } };
/** What every interaction route answers with besides the body's errors. */
const interactionProblems: ProblemEntry[] = ['unknown-customer', 'unknown-seller', 'campaign-closed', 'customer-archived', 'customer-anonymized'];
const sellerBinding = "A caller whose only write role is seller (no service, no admin) records interactions only under its token's sellerId claim; another sellerId, or no claim, is a 403.";
const exampleCustomer = {
  customerId, campaignId: '0b6f3c1e-3f7a-4c55-9d1e-2a9b8c7d6e5f', controllerId: 'telco-no', status: 'active', anonymization: null, customerRef: 'CRM-000123',
  personal: { name: 'Kari Nordmann', email: 'kari@example.no', phone: '+4791234567', fields: { segment: 'B2C' } }, archived: false, legalHold: null,
};

@ApiTags('customers and interactions')
@UseInterceptors(DomainProblemsInterceptor)
@Controller('v1')
export class CustomersController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(BlindIndex) private readonly blindIndex: BlindIndex,
  ) {}

  @Post('campaigns/:id/customers')
  @Roles('service', 'seller', 'admin')
  @ApiOperation({ summary: 'Enroll 1-10,000 customers, all or nothing (JSON, or CSV with a header row)' })
  @ApiBody({
    type: EnrollCustomersDto,
    description:
      'or text/csv: customerRef,name,email,phone,<field>... (`,` or `;`), UTF-8 unless Content-Type names charset=windows-1252 or iso-8859-1 (Excel\'s default on Windows: send `text/csv; charset=windows-1252`). Bytes that are not valid in the charset are a 400; errors name the file line (header = line 1) and customers[i].',
  })
  @ApiRequestContent('text/csv', { schema: { type: 'string', description: CSV_FORMAT }, example: CSV_EXAMPLE })
  @CommandRoute(
    { field: 'customers[17].email', message: 'customers[17].email must be an e-mail address' },
    { consumes: ['application/json', 'text/csv'] },
    'unknown-campaign',
    'campaign-closed',
    'duplicate-customer-ref',
    'campaign-anonymized',
    'unsupported-charset',
  )
  @ApiCreatedResponse({ schema: { example: { customerIds: [customerId], position } } })
  async enroll(@Param('id') campaignId: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const csv = csvEnrollment(req, body);
    try {
      const dto = enrollmentBody(csv ? { customers: csv.customers } : body, this.blindIndex);
      const outcome = await this.commands.execute(new EnrollCustomersCommand(commandRequest(req, principal, csv ? csv.text : body), campaignId, dto.customers));
      res.status(outcome.status);
      return outcome.body;
    } catch (error) {
      throw csv ? withCsvLines(error, csv.lines) : error;
    }
  }

  @Get('campaigns/:id/customers')
  @UseInterceptors(WaitForInterceptor)
  @Roles('service', 'seller', 'admin')
  @ApiOperation({ summary: 'Page through a campaign\'s customers (without timelines)', description: 'The working list by default; ?status=archived for archived customers, ?status=all for both.' })
  @ReadRoute(['validation', { errors: [{ field: 'limit', message: 'limit must be at most 500' }] }], 'unknown-campaign')
  @ApiOkResponse({ schema: { example: { items: [exampleCustomer], nextCursor: 'c2VxOjUw' } } })
  listCustomers(@Param('id') campaignId: string, @Query() query: ListCustomersQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new ListCustomersQuery(principal, campaignId, query.limit ?? 50, query.cursor, query.status ?? 'active'));
  }

  @Get('customers/:id')
  @UseInterceptors(WaitForInterceptor)
  @Roles('service', 'seller', 'admin')
  @ApiOperation({ summary: 'The customer card: details, reference, archive state, legal hold and timeline, opened in scope', description: 'Archived customers are read like any other.' })
  @ReadRoute('unknown-customer')
  @ApiOkResponse({
    schema: {
      example: {
        ...exampleCustomer,
        timeline: [{ type: 'sms', at: '2026-12-02T09:30:00.000Z', sellerId: 'seller-17', interactionId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', direction: 'outbound', outsidePeriod: false, personal: { phone: '+4791234567', body: 'Hei!' } }],
      },
    },
  })
  getCustomer(@Param('id') id: string, @Query() _query: WaitForQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new GetCustomerQuery(principal, id));
  }

  @Patch('customers/:id')
  @Roles('service', 'seller', 'admin')
  @ApiOperation({
    summary: 'Change a customer\'s details; the blind index follows',
    description:
      'The body is a JSON Merge Patch (RFC 7396; application/json or application/merge-patch+json): keys left out keep their values, null removes name, email, phone or all fields, and fields merges key by key (a null value removes that key). {"fields": {"segment": "VIP"}} changes segment and keeps every other field.',
  })
  @CommandRoute(
    { field: 'email', message: 'email must be an e-mail address' },
    { consumes: ['application/json', 'application/merge-patch+json'] },
    'unknown-customer',
    'campaign-closed',
    'customer-anonymized',
  )
  @ApiOkResponse({ schema: { example: { position } } })
  async patchCustomer(@Param('id') id: string, @Body() body: PatchCustomerDto, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const outcome = await this.commands.execute(new ChangeCustomerDetailsCommand(commandRequest(req, principal, body), id, { ...body }));
    res.status(outcome.status);
    return outcome.body;
  }

  @Post('customers/:id/sms')
  @HttpCode(201)
  @Roles('service', 'seller', 'admin')
  @ApiOperation({ summary: 'Log an SMS', description: sellerBinding })
  @CommandRoute({ field: 'direction', message: 'direction must be one of: outbound, inbound' }, {}, ...interactionProblems)
  @ApiCreatedResponse(interactionCreated)
  sms(@Param('id') id: string, @Body() body: SmsDto, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.record(req, res, principal, id, body, { type: 'LogSms', ...body });
  }

  @Post('customers/:id/emails')
  @Roles('service', 'seller', 'admin')
  @ApiOperation({ summary: 'Log an e-mail', description: sellerBinding })
  @CommandRoute({ field: 'address', message: 'address must be an e-mail address' }, {}, ...interactionProblems)
  @ApiCreatedResponse(interactionCreated)
  emails(@Param('id') id: string, @Body() body: EmailDto, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.record(req, res, principal, id, body, { type: 'LogEmail', ...body });
  }

  @Post('customers/:id/calls')
  @Roles('service', 'seller', 'admin')
  @ApiOperation({ summary: 'Log a call', description: sellerBinding })
  @CommandRoute({ field: 'durationSeconds', message: 'durationSeconds must be at most 86400' }, {}, ...interactionProblems)
  @ApiCreatedResponse(interactionCreated)
  calls(@Param('id') id: string, @Body() body: CallDto, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.record(req, res, principal, id, body, { type: 'LogCall', ...body });
  }

  @Post('customers/:id/responses')
  @Roles('service', 'seller', 'admin')
  @ApiOperation({ summary: 'Register a response (outcome code and optional comment)', description: sellerBinding })
  @CommandRoute({ field: 'code', message: 'code must match ^[a-z0-9][a-z0-9-]{0,39}$' }, {}, ...interactionProblems, 'unknown-response-code')
  @ApiCreatedResponse(interactionCreated)
  responses(@Param('id') id: string, @Body() body: ResponseDto, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.record(req, res, principal, id, body, { type: 'RegisterResponse', ...body });
  }

  @Post('customers/:id/sales')
  @Roles('service', 'seller', 'admin')
  @ApiOperation({ summary: 'Register a sale of a campaign product', description: sellerBinding })
  @CommandRoute({ field: 'quantity', message: 'quantity must be an integer' }, {}, ...interactionProblems, 'unknown-sku')
  @ApiCreatedResponse(interactionCreated)
  sales(@Param('id') id: string, @Body() body: SaleDto, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.record(req, res, principal, id, body, { type: 'RegisterSale', ...body });
  }

  private async record(req: Request, res: Response, principal: Principal, customerId: string, body: object, interaction: InteractionInput) {
    const outcome = await this.commands.execute(new RecordInteractionCommand(commandRequest(req, principal, body), customerId, interaction));
    res.status(outcome.status);
    return outcome.body;
  }
}
