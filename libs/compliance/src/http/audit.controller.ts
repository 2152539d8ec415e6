import { ApiProblems, CurrentPrincipal, type Principal, Roles, ValidationProblem } from '@app/platform';
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditLog } from '../audit/audit-log';
import type { AuditEntry } from '../domain/audit-entry';
import { AuditQueryDto } from './compliance-query.dto';

const view = ({ seq, at, actor, action, scope, certificateId, reasonCode, reference, hash, prevHash }: AuditEntry) => ({
  seq,
  at,
  actor,
  action,
  scope,
  certificateId,
  reasonCode,
  reference,
  hash,
  prevHash,
});

@ApiTags('compliance')
@ApiBearerAuth()
@ApiProblems('unauthorized', 'forbidden')
@Controller('v1/compliance')
export class AuditController {
  constructor(@Inject(AuditLog) private readonly auditLog: AuditLog) {}

  @Get('audit')
  @Roles('compliance', 'admin')
  @ApiOperation({
    summary: 'Audit entries ascending by seq, in a time window, among the token\'s controllers',
    description:
      'Each entry: hash = SHA-256(prevHash bytes || RFC 8785 canonical JSON of {seq, at, actor, action, scope, certificateId, reasonCode, reference}); ' +
      'prevHash is null for the first entry ever. A token limited to some controllers sees only entries whose scope names one of them. ' +
      'Pages of `limit` entries; pass `nextCursor` as `cursor` for the next.',
  })
  @ApiOkResponse({
    schema: {
      example: {
        entries: [
          {
            seq: 41,
            at: '2026-12-03T10:15:00.000Z',
            actor: 'officer-7',
            action: 'campaign.anonymized',
            scope: { controllerId: 'telco-no', campaignId: '0b6f3c1e-3f7a-4c55-9d1e-2a9b8c7d6e5f', mode: 'standard', customersAffected: 1200, keysDestroyed: 1200 },
            certificateId: '5d1c2b7e-0f55-4e8e-9a53-7c1f0e2d4b6a',
            reasonCode: 'purpose-fulfilled',
            reference: 'TICKET-4711',
            hash: '9f2c…',
            prevHash: '41aa…',
          },
        ],
        nextCursor: null,
      },
    },
  })
  @ApiProblems(['validation', { errors: [{ field: 'from', message: 'from must be an RFC 3339 time with Z or an offset, such as 2026-12-02T09:30:00Z' }] }])
  async list(@Query() query: AuditQueryDto, @CurrentPrincipal() principal: Principal) {
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && from > to) throw new ValidationProblem([{ field: 'to', message: 'to must not be before from' }]);
    const limit = query.limit ?? 1000;
    const entries = await this.auditLog.list({ from, to, controllers: principal.controllers, afterSeq: query.cursor ? Number(query.cursor) : undefined, limit: limit + 1 });
    const page = entries.slice(0, limit);
    return { entries: page.map(view), nextCursor: entries.length > limit ? String(page[page.length - 1].seq) : null };
  }
}
