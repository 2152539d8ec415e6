import { ApiProblems, CurrentPrincipal, type Principal, Roles } from '@app/platform';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Retention } from '../retention/retention';

@ApiTags('compliance')
@ApiBearerAuth()
@ApiProblems('unauthorized', 'forbidden')
@Controller('v1/compliance/retention')
export class RetentionController {
  constructor(@Inject(Retention) private readonly retention: Retention) {}

  @Get('due')
  @Roles('compliance', 'admin')
  @ApiOperation({
    summary: "The retention policy's dry run: campaigns of the token's controllers whose retention has expired, and what the scheduler would do",
    description:
      "Standard anonymization is due `anonymizeAfterDays` days after the end of the campaign's `endsOn` in its time zone, full `fullAnonymizeAfterDays` days after; " +
      '`mode` is the strongest mode due and not yet applied, `dueSince` when it became due. The worker applies it (actor and reason code `retention-policy`). ' +
      "`held` is the reason code of a legal hold on the campaign or one of its customers: the scheduler skips such a campaign and reports it; null otherwise.",
  })
  @ApiOkResponse({
    schema: {
      example: {
        due: [
          { campaignId: '0b6f3c1e-3f7a-4c55-9d1e-2a9b8c7d6e5f', controllerId: 'acme', mode: 'standard', dueSince: '2026-04-30T22:00:00.000Z', held: null },
          { campaignId: '7d2a9c41-5b8e-4f0a-8c3d-1e6f2b9a0c57', controllerId: 'acme', mode: 'full', dueSince: '2026-06-29T22:00:00.000Z', held: 'legal-obligation' },
        ],
      },
    },
  })
  async due(@CurrentPrincipal() principal: Principal) {
    return { due: await this.retention.due(principal.controllers) };
  }
}
