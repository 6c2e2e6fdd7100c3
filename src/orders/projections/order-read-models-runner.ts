import type { SqlDatabase } from '../../database/sql-database.port.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { ProjectionRunner } from '../../event-store/projections/projection-runner.js';
import type { Logger } from '../../logging/logger.js';
import { orderOverviewProjection } from './overview-projection.js';

export interface OrderReadModelsRunnerOptions {
  store: EventStore;
  /** Where the read models are written. */
  db: SqlDatabase;
  batchSize?: number;
  pollIntervalMs?: number;
  logger: Logger;
}

/**
 * The runner of the order read models (the overview projection), the same whether it runs on the engine's thread or
 * on the read models' worker thread; a rebuild's switch and end are logged.
 */
export function orderReadModelsRunner(options: OrderReadModelsRunnerOptions): ProjectionRunner {
  const { logger } = options;
  return new ProjectionRunner({
    store: options.store,
    db: options.db,
    projections: [orderOverviewProjection()],
    batchSize: options.batchSize,
    pollIntervalMs: options.pollIntervalMs,
    logger,
    onRebuildProgress: (progress) => {
      if (progress.phase !== 'building') logger.info({ ...progress }, 'order read model rebuild');
    },
  });
}
