import type { SqlExecutor } from '../../database/sql-database.port.js';
import type { RecordedEvent } from '../event-store.port.js';
import { matchesFilter } from './matches-filter.js';
import type { Projection, ProjectionTables } from './projection.js';
import { ProjectionBatchError } from './projection-batch.error.js';
import { ProjectionHandlerError } from './projection-handler.error.js';
import { isTransientDatabaseError } from './transient-database-error.js';

export interface ApplyEventsOptions {
  /**
   * Call `apply` for each event even when the projection has `applyBatch`: the runner's way to find which event of a
   * batch `applyBatch` failed on (and the mode of every retry after that).
   */
  eventByEvent?: boolean;
}

/**
 * Applies the events the projection handles, in order, inside the caller's transaction: through `applyBatch` when the
 * projection has one, else (or with `eventByEvent`) event by event. A handler error is wrapped with its event so the
 * runner can tell it from an infrastructure error and record the poison event's position; an `applyBatch` error
 * names the whole batch (ProjectionBatchError) and the runner retries event by event to find the event. A deadlock,
 * a lost connection or the like is the database's doing: it is thrown as it is, and retried as infrastructure.
 */
export async function applyEvents(
  projection: Projection,
  events: readonly RecordedEvent[],
  tx: SqlExecutor,
  tables: ProjectionTables,
  options: ApplyEventsOptions = {},
): Promise<void> {
  const handled = events.filter((event) => matchesFilter(projection.filter, event));
  if (handled.length === 0) return;
  if (projection.applyBatch && !options.eventByEvent) {
    try {
      await projection.applyBatch(handled, tx, tables);
    } catch (error) {
      if (isTransientDatabaseError(error)) throw error;
      throw new ProjectionBatchError(projection.name, handled, error);
    }
    return;
  }
  for (const event of handled) {
    try {
      await projection.apply(event, tx, tables);
    } catch (error) {
      if (isTransientDatabaseError(error)) throw error;
      throw new ProjectionHandlerError(projection.name, event, error);
    }
  }
}
