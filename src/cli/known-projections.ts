import type { Projection } from '../event-store/projections/projection.js';
import { orderOverviewProjection } from '../orders/projections/overview-projection.js';

/**
 * The projections the server's OrdersReadModule runs, built the same way. Kept beside the CLI until the read module
 * exports its list: a projection added there must be added here, or `projections status/rebuild` will not know it.
 */
export function knownProjections(): Projection[] {
  return [orderOverviewProjection()];
}
