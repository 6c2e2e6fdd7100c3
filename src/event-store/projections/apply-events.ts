import type { SqlExecutor } from '../../database/sql-database.port.js';
import type { RecordedEvent } from '../event-store.port.js';
import { matchesFilter } from './matches-filter.js';
import type { Projection, ProjectionTables } from './projection.js';
import { ProjectionHandlerError } from './projection-handler.error.js';

/**
 * Applies the events the projection handles, in order, inside the caller's transaction. A handler error is wrapped
 * with its event so the runner can tell it from an infrastructure error and record the poison event's position.
 */
export async function applyEvents(
  projection: Projection,
  events: readonly RecordedEvent[],
  tx: SqlExecutor,
  tables: ProjectionTables,
): Promise<void> {
  for (const event of events) {
    if (!matchesFilter(projection.filter, event)) continue;
    try {
      await projection.apply(event, tx, tables);
    } catch (error) {
      throw new ProjectionHandlerError(projection.name, event, error);
    }
  }
}
