import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators';
import { ApiProblems } from '../openapi/api-problems';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(TypeOrmHealthIndicator) private readonly database: TypeOrmHealthIndicator,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Whether the service and its database answer' })
  // Above @HealthCheck(), whose own 503 (a JSON health report) the problem filter never sends.
  @ApiProblems('service-unavailable')
  @HealthCheck()
  @ApiOkResponse({ description: 'The database answers' })
  check() {
    return this.health.check([() => this.database.pingCheck('database').withTimeout(2000)]);
  }
}
