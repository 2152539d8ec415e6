import { CommandRoute, commandRequest, DomainProblemsInterceptor } from '@app/campaigns';
import { CurrentPrincipal, type Principal, Roles } from '@app/platform';
import { Body, Controller, HttpCode, Inject, Param, Post, Req, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Anonymizations } from '../anonymization/anonymizations';
import { AnonymizeCampaignDto, AnonymizeCustomerDto, GroundsDto } from './anonymization.dto';

const certificate = (kind: string, scope: object, mode: string | null, customersAffected: number, keysDestroyed: number) => ({
  schema: {
    example: {
      certificate: {
        certificateId: '5d1c2b7e-0f55-4e8e-9a53-7c1f0e2d4b6a',
        kind,
        scope,
        mode,
        reasonCode: 'purpose-fulfilled',
        reference: 'TICKET-4711',
        requestedBy: 'officer-7',
        customersAffected,
        keysDestroyed,
        keysDestroyedAt: '2026-12-03T10:15:00.000Z',
        auditHead: { seq: 41, hash: '9f2c…' },
        keyId: 'ed25519-3a7bd3e2360a3d29',
        signature: 'base64…',
      },
    },
  },
});
const campaignId = '0b6f3c1e-3f7a-4c55-9d1e-2a9b8c7d6e5f';
const customerId = '5d0c9f1a-6b1e-4c2d-8e3f-7a6b5c4d3e2f';
const repeats = 'Standard then full is allowed; a mode already applied, or standard after full, is a 409 `already-anonymized` (decided from the destroyed keys, so a request cut off before it committed is simply sent again).';
const holds = 'Under a legal hold (423 `legal-hold`, `reasonCode` names its ground)';
const verify = 'The certificate is signed (Ed25519, GET /v1/compliance/public-keys) and names the audit entry written in the same transaction.';

@ApiTags('compliance')
@ApiBearerAuth()
@UseInterceptors(DomainProblemsInterceptor)
@Controller('v1')
export class AnonymizationController {
  constructor(@Inject(Anonymizations) private readonly anonymizations: Anonymizations) {}

  @Post('campaigns/:id/anonymize')
  @HttpCode(200)
  @Roles('compliance', 'admin')
  @ApiOperation({
    summary: 'Anonymize every customer of a campaign (standard or full), irreversibly, with a certificate',
    description:
      'One transaction: the campaign is locked, its customers\' content keys (standard) or content and reference keys (full) are destroyed, its keyspace closes ' +
      '(it takes no more customers or interactions: 410), CampaignAnonymized is recorded, the audit entry appended and the certificate issued. ' +
      `\`confirm\` must be the campaign's name (else 422 \`confirm-mismatch\`, nothing changed). ${holds}: the campaign's own or any of its customers'. ${repeats} ` +
      `Sales figures and analytics are unchanged. ${verify}`,
  })
  @CommandRoute(
    { field: 'mode', message: 'mode must be one of: standard, full' },
    {},
    'unknown-campaign',
    ['confirm-mismatch', { errors: [{ field: 'confirm', message: 'confirm must equal the campaign name' }] }],
    'already-anonymized',
    ['legal-hold', { detail: 'the campaign is under a legal hold (legal-obligation)', reasonCode: 'legal-obligation' }],
  )
  @ApiOkResponse(certificate('campaign-anonymization', { campaignId }, 'standard', 1200, 1200))
  anonymizeCampaign(@Param('id') id: string, @Body() body: AnonymizeCampaignDto, @CurrentPrincipal() principal: Principal, @Req() req: Request) {
    return this.anonymizations.anonymizeCampaign(commandRequest(req, principal, body), id, { ...body });
  }

  @Post('customers/:id/anonymize')
  @HttpCode(200)
  @Roles('compliance', 'admin')
  @ApiOperation({
    summary: 'Anonymize one customer (standard or full), irreversibly, with a certificate',
    description:
      'One transaction: the customer\'s content key (standard) or content and reference keys (full) are destroyed, CustomerAnonymized is recorded, ' +
      `the audit entry appended and the certificate issued; the customer then takes no interactions (410). ${holds}: the customer's own or its campaign's. ${repeats} ${verify}`,
  })
  @CommandRoute(
    { field: 'reasonCode', message: 'reasonCode must be one of: purpose-fulfilled, retention-policy, data-subject-request, controller-instruction, legal-obligation, other' },
    {},
    'unknown-customer',
    ['already-anonymized', { detail: "the customer's standard anonymization is already done" }],
    ['legal-hold', { detail: 'the customer is under a legal hold (legal-obligation)', reasonCode: 'legal-obligation' }],
  )
  @ApiOkResponse(certificate('customer-anonymization', { customerIds: [customerId] }, 'full', 1, 2))
  anonymizeCustomer(@Param('id') id: string, @Body() body: AnonymizeCustomerDto, @CurrentPrincipal() principal: Principal, @Req() req: Request) {
    return this.anonymizations.anonymizeCustomer(commandRequest(req, principal, body), id, { ...body });
  }

  @Post('sellers/:id/anonymize')
  @HttpCode(200)
  @Roles('compliance', 'admin')
  @ApiOperation({
    summary: "Erase a seller's name (a staff member's own erasure request), irreversibly, with a certificate",
    description:
      "Destroys the seller's key: its name is gone everywhere (`sellerName` null in analytics), its id and every figure stay, and `PUT /v1/sellers/{id}` answers 410 from then on. " +
      'Sellers are staff of the agency, not data of a controller: the route takes a token for every controller (`controllers: ["*"]`, else 403), and its audit entry and certificate ' +
      `name no controller (only such tokens read them). A second erasure is a 409 \`already-anonymized\`. ${verify}`,
  })
  @CommandRoute(
    { field: 'reference', message: 'reference must match ^[A-Za-z0-9._:/-]{1,64}$ (a ticket or case id)' },
    {},
    'unknown-seller-id',
    ['already-anonymized', { detail: 'the seller was already erased' }],
    ['forbidden', { detail: 'Erasing a seller needs a token for every controller (controllers: ["*"]): sellers are staff, not data of a controller.' }],
  )
  @ApiOkResponse(certificate('seller-anonymization', { sellerIds: ['seller-17'] }, null, 0, 1))
  eraseSeller(@Param('id') id: string, @Body() body: GroundsDto, @CurrentPrincipal() principal: Principal, @Req() req: Request) {
    return this.anonymizations.eraseSeller(commandRequest(req, principal, body), id, { ...body });
  }
}
