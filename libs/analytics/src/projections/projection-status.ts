import { SubscriptionLags } from '@app/event-store';
import { Inject, Injectable } from '@nestjs/common';
import { PROJECTIONS } from './catalogue';
import { subscriptionIdOf } from './projection';

export interface ProjectionStatus {
  name: string;
  position: string | null;
  lagEvents: number;
  lagSeconds: number;
  /** `live` when nothing readable is left to apply, `catching-up` otherwise, `not-started` before its first batch. */
  status: 'live' | 'catching-up' | 'not-started';
}

/** Where each projection stands against the log (GET /v1/projections, the CLI, metrics). */
@Injectable()
export class ProjectionStatuses {
  constructor(@Inject(SubscriptionLags) private readonly lags: SubscriptionLags) {}

  async all(): Promise<ProjectionStatus[]> {
    return Promise.all(
      PROJECTIONS.map(async (projection) => {
        const lag = await this.lags.of(subscriptionIdOf(projection.name), projection.eventTypes);
        const status = lag.position === null && lag.lagEvents > 0 ? 'not-started' : lag.lagEvents > 0 ? 'catching-up' : 'live';
        return { name: projection.name, position: lag.position, lagEvents: lag.lagEvents, lagSeconds: lag.lagSeconds, status };
      }),
    );
  }
}
