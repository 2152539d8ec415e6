import { ApiProblems, Roles } from '@app/platform';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProjectionStatuses } from '../projections/projection-status';

@ApiTags('analytics')
@ApiBearerAuth()
@Controller('v1/projections')
export class ProjectionsController {
  constructor(@Inject(ProjectionStatuses) private readonly statuses: ProjectionStatuses) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Each projection\'s checkpoint and how far it is behind the log' })
  @ApiProblems('unauthorized', 'forbidden')
  @ApiOkResponse({
    schema: { example: { projections: [{ name: 'sales', position: '00000000000000000917-00000000000000004211', lagEvents: 0, lagSeconds: 0, status: 'live' }] } },
  })
  async list() {
    return { projections: await this.statuses.all() };
  }
}
