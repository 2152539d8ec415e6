import { CurrentPrincipal, type Principal, Roles, ValidationProblem } from '@app/platform';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ArchiveCustomersCommand } from '../application/commands/archive-customers/archive-customers.command';
import { CloseCampaignCommand } from '../application/commands/close-campaign/close-campaign.command';
import { CreateCampaignCommand } from '../application/commands/create-campaign/create-campaign.command';
import { RegisterControllerCommand } from '../application/commands/register-controller/register-controller.command';
import { UpsertSellerCommand } from '../application/commands/upsert-seller/upsert-seller.command';
import { GetCampaignQuery } from '../application/queries/get-campaign/get-campaign.query';
import { CommandRoute, ReadRoute } from './api-docs';
import { commandRequest } from './command-request';
import { DomainProblemsInterceptor } from './domain-problems.interceptor';
import { WaitForInterceptor } from './wait-for.interceptor';
import { CreateCampaignDto, RegisterControllerDto, UpsertSellerDto } from './dto/campaign.dto';
import { ArchiveCustomersDto, WaitForQueryDto } from './dto/customer.dto';
import { ID_PATTERN } from './dto/validators';

// A position in the real format (opaque to clients): transaction id and log position.
const position = '00000000000000000917-00000000000000004211';
const idError = { field: 'id', message: 'id must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-"' };

@ApiTags('controllers, sellers, campaigns')
@UseInterceptors(DomainProblemsInterceptor)
@Controller('v1')
export class CampaignsController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  @Post('controllers')
  @Roles('service', 'admin')
  @ApiOperation({ summary: 'Register a controller (the client who owns the data)', description: "The id must be among the token's controllers (or the token's controllers are `*`)." })
  @CommandRoute(idError, {}, 'controller-exists')
  @ApiCreatedResponse({ schema: { example: { id: 'telco-no', position } } })
  async registerController(@Body() body: RegisterControllerDto, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const outcome = await this.commands.execute(new RegisterControllerCommand(commandRequest(req, principal, body), body.id, body.name));
    res.status(outcome.status);
    return outcome.body;
  }

  @Put('sellers/:id')
  @Roles('service', 'admin')
  @ApiOperation({ summary: 'Create or rename a seller; the name is sealed under the seller\'s own key' })
  @CommandRoute({ field: 'name', message: 'name must not be empty' }, {}, 'seller-erased')
  @ApiOkResponse({ schema: { example: { id: 'seller-17', position } } })
  async upsertSeller(@Param('id') id: string, @Body() body: UpsertSellerDto, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    assertId(id);
    const outcome = await this.commands.execute(new UpsertSellerCommand(commandRequest(req, principal, body), id, body.name));
    res.status(outcome.status);
    return outcome.body;
  }

  @Post('campaigns')
  @Roles('service', 'admin')
  @ApiOperation({ summary: 'Create a campaign for a controller', description: "`controllerId` must be among the token's controllers (else 403) and registered, like each budget's `sellerId` (else 422)." })
  @CommandRoute({ field: 'products', message: 'products must not be empty' }, {}, 'unknown-controller', ['unknown-seller', { detail: 'budgets[0].sellerId names no registered seller' }], 'campaign-exists')
  @ApiCreatedResponse({ schema: { example: { campaignId: '0b6f3c1e-3f7a-4c55-9d1e-2a9b8c7d6e5f', position } } })
  async createCampaign(@Body() body: CreateCampaignDto, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const outcome = await this.commands.execute(new CreateCampaignCommand(commandRequest(req, principal, body), body));
    res.status(outcome.status);
    return outcome.body;
  }

  @Get('campaigns/:id')
  @UseInterceptors(WaitForInterceptor)
  @Roles('service', 'seller', 'analyst', 'admin')
  @ApiOperation({ summary: 'A campaign with its status, anonymization and customer count', description: 'A seller sees only its own budget entry (by its token\'s sellerId claim).' })
  @ReadRoute('unknown-campaign')
  @ApiOkResponse({
    schema: {
      example: {
        campaignId: '0b6f3c1e-3f7a-4c55-9d1e-2a9b8c7d6e5f', controllerId: 'telco-no', name: 'Winter broadband 2026', purpose: 'Telemarketing', startsOn: '2026-12-01', endsOn: '2026-12-31',
        currency: 'NOK', timeZone: 'Europe/Oslo', status: 'closed', anonymization: null,
        legalHold: { reasonCode: 'legal-obligation', reference: 'CASE-2027/114', placedAt: '2027-01-15T09:00:00.000Z' }, customerCount: 1200, archivedCount: 1150,
        products: [{ sku: 'BB-100', name: 'Broadband 100', unitPriceMinor: 49900 }], budgets: [{ sellerId: 'seller-17', targetMinor: 5000000 }],
        responseCodes: ['sold', 'not-interested', 'call-back'], retention: { anonymizeAfterDays: 30, fullAnonymizeAfterDays: 365 },
      },
    },
  })
  getCampaign(@Param('id') id: string, @Query() _query: WaitForQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new GetCampaignQuery(principal, id));
  }

  @Post('campaigns/:id/close')
  @HttpCode(200)
  @Roles('service', 'admin')
  @ApiOperation({ summary: 'Close a campaign: no more interactions or enrollment', description: 'Takes no body.' })
  @CommandRoute({ field: 'reason', message: 'reason should not exist' }, {}, 'unknown-campaign', ['campaign-closed', { detail: 'the campaign is already closed' }], 'campaign-anonymized')
  @ApiOkResponse({ schema: { example: { position } } })
  async closeCampaign(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    assertNoBody(body);
    const outcome = await this.commands.execute(new CloseCampaignCommand(commandRequest(req, principal, {}), id));
    res.status(outcome.status);
    return outcome.body;
  }

  @Post('campaigns/:id/archive')
  @HttpCode(200)
  @Roles('service', 'compliance', 'admin')
  @ApiOperation({
    summary: 'Archive customers: off the sellers\' working list, no interactions (409 customer-archived), still readable',
    description:
      'The given customerIds, or every customer of the campaign when left out (one event however many). Reversible with /unarchive; archived customers can still be anonymized. `archived` counts the customers whose state changed (0 when all were archived already).',
  })
  @CommandRoute({ field: 'customerIds[0]', message: 'customerIds[0] must be a customer id (a UUID)' }, {}, 'unknown-campaign', 'customer-not-in-campaign')
  @ApiOkResponse({ schema: { example: { archived: 20000, position } } })
  async archive(@Param('id') id: string, @Body() body: ArchiveCustomersDto, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.archiving(req, res, principal, id, body ?? {}, true);
  }

  @Post('campaigns/:id/unarchive')
  @HttpCode(200)
  @Roles('service', 'compliance', 'admin')
  @ApiOperation({ summary: 'Unarchive customers: back on the working list', description: 'The given customerIds, or every archived customer of the campaign when left out. `unarchived` counts the customers whose state changed.' })
  @CommandRoute({ field: 'customerIds[0]', message: 'customerIds[0] must be a customer id (a UUID)' }, {}, 'unknown-campaign', 'customer-not-in-campaign')
  @ApiOkResponse({ schema: { example: { unarchived: 12, position } } })
  async unarchive(@Param('id') id: string, @Body() body: ArchiveCustomersDto, @CurrentPrincipal() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.archiving(req, res, principal, id, body ?? {}, false);
  }

  private async archiving(req: Request, res: Response, principal: Principal, id: string, body: ArchiveCustomersDto, archive: boolean) {
    const outcome = await this.commands.execute(new ArchiveCustomersCommand(commandRequest(req, principal, body), id, body.customerIds ?? null, archive));
    res.status(outcome.status);
    return outcome.body;
  }
}

function assertId(id: string): void {
  if (!ID_PATTERN.test(id)) throw new ValidationProblem([{ field: 'id', message: 'id must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-"' }]);
}

/** The route takes no body: every property of one is unknown, and unknown body properties are a 400. */
function assertNoBody(body: unknown): void {
  if (body === undefined || body === null) return;
  if (typeof body !== 'object' || Array.isArray(body)) throw new ValidationProblem([{ field: 'body', message: 'this route takes no body' }]);
  const unknown = Object.keys(body);
  if (unknown.length > 0) throw new ValidationProblem(unknown.map((field) => ({ field, message: `${field} should not exist` })));
}
