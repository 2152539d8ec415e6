import { CommandRoute, commandRequest, DomainProblemsInterceptor, ProtectedRoute } from '@app/campaigns';
import { ApiProblems, CurrentPrincipal, type Principal, Roles, unsupportedBodyDetail } from '@app/platform';
import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AccessRequests } from '../requests/access-requests';
import { ErasureRequests } from '../requests/erasure-requests';
import { RequestRegister } from '../requests/request-register';
import { AccessRequestDto, ErasureRequestDto, RequestsQueryDto } from './requests.dto';

const requestId = '3f9d8a62-51c4-4d0e-8b7a-0c2e4f6a8b1d';
const customerIds = ['5d0c9f1a-6b1e-4c2d-8e3f-7a6b5c4d3e2f', '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'];
const campaign = { campaignId: '0b6f3c1e-3f7a-4c55-9d1e-2a9b8c7d6e5f', name: 'Winter broadband', purpose: 'Telemarketing of broadband' };
const matching =
  '`match` names exactly one identifier (else 400 naming `match`): `customerRef` as enrolled, `email` in any case, `phone` in any common notation (compared in E.164). ' +
  "Customers are found through the controller's blind index (HMAC of the normalized identifier); the identifier itself is not stored, logged or registered. " +
  "A `controllerId` outside the token's controllers is a 403.";
const registered = 'The request is kept in the register (GET /v1/compliance/requests) with its due date, one month after receipt (GDPR Art. 12(3)).';
const matchError = { field: 'match', message: 'match must name exactly one of customerRef, email, phone' };

@ApiTags('compliance')
@ApiBearerAuth()
@UseInterceptors(DomainProblemsInterceptor)
@Controller('v1')
export class RequestsController {
  constructor(
    @Inject(ErasureRequests) private readonly erasures: ErasureRequests,
    @Inject(AccessRequests) private readonly accesses: AccessRequests,
  ) {}

  @Post('erasure-requests')
  @HttpCode(200)
  @Roles('compliance', 'admin')
  @ApiOperation({
    summary: "Erase a data subject's customers of one controller (GDPR Art. 17), irreversibly, with one certificate",
    description:
      `${matching} Every customer found is anonymized in \`mode\` (default \`full\`) in ONE transaction, with one audit entry (\`erasure-request.answered\`) and one certificate ` +
      '(kind `erasure-request`, `scope.customerIds`: the customers anonymized by this request). Customers already anonymized in the mode are skipped (listed in `customerIds`, ' +
      'not in the certificate); customers under a legal hold, their own or their campaign\'s (Art. 17(3)(e)), are skipped, untouched, and listed under `held` with the ' +
      "hold's reason code. No match is not an error: empty lists and a certificate with `customersAffected: 0`. " +
      `${registered} The certificate is signed (Ed25519, GET /v1/compliance/public-keys).`,
  })
  @CommandRoute(matchError, {})
  @ApiOkResponse({
    schema: {
      example: {
        requestId,
        customerIds,
        held: [{ customerId: '9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', reasonCode: 'legal-obligation' }],
        certificate: {
          certificateId: '5d1c2b7e-0f55-4e8e-9a53-7c1f0e2d4b6a',
          kind: 'erasure-request',
          scope: { customerIds },
          mode: 'full',
          reasonCode: 'data-subject-request',
          reference: 'DSR-2026-118',
          requestedBy: 'officer-7',
          customersAffected: 2,
          keysDestroyed: 4,
          keysDestroyedAt: '2026-12-03T10:15:00.000Z',
          auditHead: { seq: 42, hash: '9f2c…' },
          keyId: 'ed25519-3a7bd3e2360a3d29',
          signature: 'base64…',
        },
      },
    },
  })
  erase(@Body() body: ErasureRequestDto, @CurrentPrincipal() principal: Principal, @Req() req: Request) {
    return this.erasures.erase(commandRequest(req, principal, body), { ...body, match: { ...body.match } });
  }

  @Post('access-requests')
  @HttpCode(200)
  @Roles('compliance', 'admin')
  @ApiOperation({
    summary: "Everything held about a data subject among one controller's customers (GDPR Art. 15/20), machine-readable",
    description:
      `${matching} Each customer found, with its campaign, status, customerRef, personal details and timeline, opened at request time: ` +
      'what an erasure destroyed shows as null (`personal` null after standard anonymization, `customerRef` null after full; a customer erased by e-mail or phone is no longer found by them). ' +
      `The answer is audited (\`access-request.answered\`: controller, request id, number of customers; nothing of the answer). ${registered} ` +
      'The answer is not stored, so an Idempotency-Key is not replayed: a repeat reads again.',
  })
  @ProtectedRoute(
    ['validation', { errors: [matchError] }],
    'malformed-request',
    'content-too-large',
    ['unsupported-media-type', { detail: unsupportedBodyDetail(['application/json']), accepted: ['application/json'] }],
  )
  @ApiOkResponse({
    schema: {
      example: {
        requestId,
        generatedAt: '2026-12-03T10:15:00.000Z',
        controllerId: 'telco-no',
        customers: [
          {
            customerId: customerIds[0],
            campaign,
            status: 'active',
            customerRef: 'CRM-000123',
            personal: { name: 'Kari Nordmann', email: 'kari@example.no', phone: '+4791234567', fields: { segment: 'B2C' } },
            timeline: [
              {
                type: 'sms',
                at: '2026-12-02T09:00:00.000Z',
                sellerId: 'seller-17',
                interactionId: '1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b',
                direction: 'outbound',
                outsidePeriod: false,
                personal: { phone: '+4791234567', body: 'Hei Kari' },
              },
            ],
          },
        ],
      },
    },
  })
  access(@Body() body: AccessRequestDto, @CurrentPrincipal() principal: Principal) {
    return this.accesses.answer(principal, { ...body, match: { ...body.match } });
  }
}

@ApiTags('compliance')
@ApiBearerAuth()
@ApiProblems('unauthorized', 'forbidden')
@Controller('v1/compliance')
export class RequestRegisterController {
  constructor(@Inject(RequestRegister) private readonly register: RequestRegister) {}

  @Get('requests')
  @Roles('compliance', 'admin')
  @ApiOperation({
    summary: 'The register of erasure and access requests, ascending by receipt, among the token\'s controllers',
    description:
      '`dueAt` is one month after `receivedAt` (GDPR Art. 12(3)); `completedAt` is when the answer committed. The identifiers a request matched on are never kept. ' +
      "`controllerId` narrows to one controller (one outside the token's controllers lists nothing); `status` to open or completed requests.",
  })
  @ApiProblems(['validation', { errors: [{ field: 'status', message: 'status must be one of: open, completed' }] }])
  @ApiOkResponse({
    schema: {
      example: {
        requests: [
          {
            requestId,
            kind: 'erasure',
            controllerId: 'telco-no',
            receivedAt: '2026-12-03T10:14:59.812Z',
            dueAt: '2027-01-03T10:14:59.812Z',
            completedAt: '2026-12-03T10:15:00.000Z',
            status: 'completed',
            reasonCode: 'data-subject-request',
            reference: 'DSR-2026-118',
          },
        ],
      },
    },
  })
  async list(@Query() query: RequestsQueryDto, @CurrentPrincipal() principal: Principal) {
    return { requests: await this.register.list({ controllers: principal.controllers, controllerId: query.controllerId, status: query.status }) };
  }
}
