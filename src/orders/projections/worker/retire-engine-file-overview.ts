import type { SqlDatabase } from '../../../database/sql-database.port.js';
import { ProjectionCatalog } from '../../../event-store/projections/projection-catalog.js';
import { ORDER_OVERVIEW_PROJECTION } from '../overview-projection.js';
import { OVERVIEW_TABLES } from '../overview-schema.js';

/**
 * Once the worker has built the order read models in their own file, drops the copy an earlier version (or
 * READ_MODELS_THREAD=main) kept in the engine's SQLite file: nothing updates it any more, and a SQL dashboard still
 * pointed at it would read stale orders without noticing. Returns whether there was a copy.
 */
export async function retireEngineFileOverview(engineFile: SqlDatabase): Promise<boolean> {
  return engineFile.transaction(async (tx) => {
    const catalog = await tx.query(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'projection_checkpoints'`,
    );
    if (catalog.length === 0) return false;
    return new ProjectionCatalog().retire(tx, ORDER_OVERVIEW_PROJECTION, Object.values(OVERVIEW_TABLES));
  });
}
