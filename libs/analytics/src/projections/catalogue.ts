import { activityProjection } from './activity.definition';
import { campaignsProjection } from './campaigns.definition';
import type { ProjectionDefinition } from './projection';
import { salesProjection } from './sales.definition';

/** Every projection the worker runs, by name. */
export const PROJECTIONS: readonly ProjectionDefinition[] = [campaignsProjection, salesProjection, activityProjection];

export function projectionNamed(name: string): ProjectionDefinition | undefined {
  return PROJECTIONS.find((p) => p.name === name);
}
