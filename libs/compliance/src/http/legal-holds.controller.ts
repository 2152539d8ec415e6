import { CommandRoute, commandRequest, DomainProblemsInterceptor, ProtectedRoute } from '@app/campaigns';
import { CurrentPrincipal, type Principal, type ProblemEntry, Roles } from '@app/platform';
import { Body, Controller, Delete, Inject, Param, Put, Req, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { type HoldTarget, LegalHolds } from '../legal-holds/legal-holds';
import { GroundsDto } from './anonymization.dto';

const position = '00000000000000000917-00000000000000004211';
const placed = { schema: { example: { legalHold: { reasonCode: 'legal-obligation', reference: 'CASE-2026-17', placedAt: '2026-12-03T10:15:00.000Z' }, position } } };
const released = { schema: { example: { position } } };
const invalid = { field: 'reasonCode', message: 'reasonCode must be one of: purpose-fulfilled, retention-policy, data-subject-request, controller-instruction, legal-obligation, other' };
const placing =
  'A hold (GDPR Art. 17(3)(e): disputes, claims) stops every anonymization and erasure of what it holds, which answer 423 with its reason code, until it is released. ' +
  'Placing it again with another reason or reference replaces it; the same hold again changes nothing. Anonymized and closed campaigns and customers take holds too. ' +
  'Audited (`legal-hold.placed`, ids and the reason code only) in the same transaction.';
const releasing = 'Releases the hold in place (none: 409 `no-legal-hold`). Audited (`legal-hold.released`) in the same transaction.';
const badKey: ProblemEntry = ['validation', { errors: [{ field: 'Idempotency-Key', message: 'Idempotency-Key must be 1-255 visible ASCII characters' }] }];
const IdempotencyKey = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Scoped by token subject and route; a repeat returns the first response',
    schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
  });

@ApiTags('compliance')
@ApiBearerAuth()
@UseInterceptors(DomainProblemsInterceptor)
@Controller('v1')
export class LegalHoldsController {
  constructor(@Inject(LegalHolds) private readonly holds: LegalHolds) {}

  @Put('campaigns/:id/legal-hold')
  @Roles('compliance', 'admin')
  @ApiOperation({ summary: 'Place a legal hold on a campaign (it holds every customer of it)', description: placing })
  @CommandRoute(invalid, {}, 'unknown-campaign')
  @ApiOkResponse(placed)
  placeOnCampaign(@Param('id') id: string, @Body() body: GroundsDto, @CurrentPrincipal() principal: Principal, @Req() req: Request) {
    return this.place(req, principal, body, { campaignId: id });
  }

  @Delete('campaigns/:id/legal-hold')
  @Roles('compliance', 'admin')
  @ApiOperation({ summary: "Release a campaign's legal hold", description: releasing })
  @IdempotencyKey()
  @ProtectedRoute(badKey, 'malformed-request', 'idempotency-key-reused', 'concurrent-write', 'unknown-campaign', 'no-legal-hold')
  @ApiOkResponse(released)
  releaseOnCampaign(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @Req() req: Request) {
    return this.holds.release(commandRequest(req, principal, {}), { campaignId: id });
  }

  @Put('customers/:id/legal-hold')
  @Roles('compliance', 'admin')
  @ApiOperation({ summary: 'Place a legal hold on a customer', description: placing })
  @CommandRoute(invalid, {}, 'unknown-customer')
  @ApiOkResponse(placed)
  placeOnCustomer(@Param('id') id: string, @Body() body: GroundsDto, @CurrentPrincipal() principal: Principal, @Req() req: Request) {
    return this.place(req, principal, body, { customerId: id });
  }

  @Delete('customers/:id/legal-hold')
  @Roles('compliance', 'admin')
  @ApiOperation({ summary: "Release a customer's legal hold", description: releasing })
  @IdempotencyKey()
  @ProtectedRoute(badKey, 'malformed-request', 'idempotency-key-reused', 'concurrent-write', 'unknown-customer', ['no-legal-hold', { detail: 'there is no legal hold to release' }])
  @ApiOkResponse(released)
  releaseOnCustomer(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @Req() req: Request) {
    return this.holds.release(commandRequest(req, principal, {}), { customerId: id });
  }

  private place(req: Request, principal: Principal, body: GroundsDto, target: HoldTarget) {
    return this.holds.place(commandRequest(req, principal, body), target, { ...body });
  }
}
