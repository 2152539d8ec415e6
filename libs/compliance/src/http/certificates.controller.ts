import { ALL_CONTROLLERS, ApiProblems, coversController, CurrentPrincipal, type Principal, ProblemException, Roles } from '@app/platform';
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Certificates } from '../certificates/certificates';
import { ComplianceReadQueryDto } from './compliance-query.dto';

const unknownCertificate = () => new ProblemException('unknown-certificate', 'no such certificate');

@ApiTags('compliance')
@ApiBearerAuth()
@ApiProblems('unauthorized', 'forbidden', ['validation', { errors: [{ field: 'waitFor', message: 'waitFor must be a position returned by a command' }] }])
@Controller('v1/compliance')
export class CertificatesController {
  constructor(@Inject(Certificates) private readonly certificates: Certificates) {}

  @Get('certificates/:id')
  @Roles('compliance', 'admin')
  @ApiOperation({
    summary: 'A certificate of erasure with its irrecoverability attestation (null until a rotation retires every KEK version that wrapped its keys)',
    description:
      '`signature` is Ed25519 (base64) over the RFC 8785 canonical JSON of every field but `signature` and `irrecoverability`; ' +
      'the attestation\'s over {certificateId, at, kekVersions, keyId}. Verify with GET /v1/compliance/public-keys.',
  })
  @ApiOkResponse({
    schema: {
      example: {
        certificateId: '5d1c2b7e-0f55-4e8e-9a53-7c1f0e2d4b6a',
        kind: 'campaign-anonymization',
        scope: { campaignId: '0b6f3c1e-3f7a-4c55-9d1e-2a9b8c7d6e5f' },
        mode: 'standard',
        reasonCode: 'purpose-fulfilled',
        reference: 'TICKET-4711',
        requestedBy: 'officer-7',
        customersAffected: 1200,
        keysDestroyed: 1200,
        keysDestroyedAt: '2026-12-03T10:15:00.000Z',
        auditHead: { seq: 41, hash: '9f2c…' },
        keyId: 'ed25519-3a7bd3e2360a3d29',
        signature: 'base64…',
        irrecoverability: null,
      },
    },
  })
  @ApiProblems('unknown-certificate')
  async get(@Param('id') id: string, @Query() _query: ComplianceReadQueryDto, @CurrentPrincipal() principal: Principal) {
    const stored = await this.certificates.get(id);
    if (!stored) throw unknownCertificate();
    // A staff certificate (a seller's erasure) concerns no controller: tokens for every controller only.
    if (stored.controllerId === null ? !principal.controllers.includes(ALL_CONTROLLERS) : !coversController(principal, stored.controllerId)) throw unknownCertificate();
    return stored.certificate;
  }

  @Get('public-keys')
  @Roles('compliance', 'admin')
  @ApiOperation({ summary: 'The public keys certificates are signed with' })
  @ApiOkResponse({ schema: { example: { keys: [{ keyId: 'ed25519-3a7bd3e2360a3d29', algorithm: 'Ed25519', pem: '-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----\n' }] } } })
  publicKeys(@Query() _query: ComplianceReadQueryDto) {
    return { keys: this.certificates.publicKeys() };
  }
}
