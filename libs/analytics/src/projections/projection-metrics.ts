import { MetricsRegistry } from '@app/platform';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { ProjectionStatuses } from './projection-status';

/**
 * `projection_events_total`: events applied to each projection by this instance (the worker's
 * side). A worker host without HTTP keeps it unexported; in the combined process it is on /metrics.
 */
@Injectable()
export class ProjectionMetrics {
  private readonly applied: Counter<'projection'>;

  constructor(@Optional() @Inject(MetricsRegistry) metrics?: MetricsRegistry) {
    this.applied = new Counter({
      name: 'projection_events_total',
      help: 'Events applied to a projection by this instance',
      labelNames: ['projection'],
      registers: metrics ? [metrics.registry] : [],
    });
  }

  recordApplied(projection: string, events: number): void {
    this.applied.inc({ projection }, events);
  }
}

/** `projection_lag_events`: readable events after each projection's checkpoint, read at scrape time (the api's side). */
@Injectable()
export class ProjectionLagGauge {
  constructor(@Inject(ProjectionStatuses) statuses: ProjectionStatuses, @Inject(MetricsRegistry) metrics: MetricsRegistry) {
    new Gauge({
      name: 'projection_lag_events',
      help: 'Readable events of the types a projection reads that are after its checkpoint',
      labelNames: ['projection'],
      registers: [metrics.registry],
      async collect() {
        for (const status of await statuses.all()) this.set({ projection: status.name }, status.lagEvents);
      },
    });
  }
}
