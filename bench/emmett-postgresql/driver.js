/**
 * Emmett's PostgreSQL event store through its public API only (getPostgreSQLEventStore + appendToStream with
 * expectedStreamVersion STREAM_DOES_NOT_EXIST). Lives in this folder so that its imports resolve from this folder's
 * own node_modules, apart from the engine's dependencies.
 */
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';

export const versions = {
  '@event-driven-io/emmett-postgresql': '0.42.0',
  '@event-driven-io/emmett': '0.42.0',
};

/**
 * Opens an Emmett PostgreSQL store on `connectionString` (its schema is created on first use) over a pg.Pool of `max`
 * connections that we own (the documented `connectionOptions.pool`), so that both stores compared get pools of the
 * same size and this one is surely ended by close().
 */
export function openEmmettPostgres(connectionString, { max = 10 } = {}) {
  const pool = new pg.Pool({ connectionString, max });
  pool.on('error', () => undefined);
  const store = getPostgreSQLEventStore(connectionString, { connectionOptions: { pool } });
  return {
    append: (stream, events) => store.appendToStream(stream, events, { expectedStreamVersion: STREAM_DOES_NOT_EXIST }),
    close: async () => {
      await store.close();
      await pool.end();
    },
  };
}
