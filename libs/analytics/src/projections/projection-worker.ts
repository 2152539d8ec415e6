import { decodeSealedEvent, type RecordedEvent, type SubscriptionRunner, SubscriptionRunners } from '@app/event-store';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PROJECTIONS } from './catalogue';
import { liveTableNames, type ProjectionDefinition, subscriptionIdOf } from './projection';
import { ProjectionMetrics } from './projection-metrics';

export const PROJECTION_BATCH_SIZE = 2000;

/** Applies a batch of stored events to a projection: decoded without any key (sealed slots stay sealed). */
export async function applyBatch(projection: ProjectionDefinition, events: RecordedEvent[], tx: EntityManager, tables = liveTableNames(projection)): Promise<void> {
  await projection.apply(events.map((event) => decodeSealedEvent(event)), tx, tables);
}

/**
 * Runs every projection through a leader-elected subscription runner: one instance across the
 * deployment applies each projection, its checkpoint committed with the rows (exactly once).
 * Catch-up reads the log in batches, then follows it live.
 */
@Injectable()
export class ProjectionWorker implements OnApplicationBootstrap {
  private readonly started: SubscriptionRunner[] = [];

  constructor(
    @Inject(SubscriptionRunners) private readonly runners: SubscriptionRunners,
    @Inject(ProjectionMetrics) private readonly metrics: ProjectionMetrics,
  ) {}

  /** This instance's runner of each projection: whether it leads, and where it stands (operators, tests). */
  get projectionRunners(): readonly SubscriptionRunner[] {
    return this.started;
  }

  onApplicationBootstrap(): void {
    for (const projection of PROJECTIONS) {
      const types = new Set(projection.eventTypes);
      const runner = this.runners.start({
        subscriptionId: subscriptionIdOf(projection.name),
        batchSize: PROJECTION_BATCH_SIZE,
        filter: (event) => types.has(event.type),
        handler: async (events, tx) => {
          await applyBatch(projection, events, tx);
          this.metrics.recordApplied(projection.name, events.length);
        },
      });
      this.started.push(runner);
    }
  }
}
