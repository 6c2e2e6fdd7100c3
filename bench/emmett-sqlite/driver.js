/**
 * Emmett's SQLite event store through its public API only (getSQLiteEventStore + appendToStream with
 * expectedStreamVersion STREAM_DOES_NOT_EXIST). Lives in this folder so that its imports resolve from this folder's
 * own node_modules, apart from the engine's dependencies.
 */
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getSQLiteEventStore } from '@event-driven-io/emmett-sqlite';

export const versions = {
  '@event-driven-io/emmett-sqlite': '0.38.5',
  '@event-driven-io/emmett': '0.38.5',
};

/**
 * Opens (creating on first append) an Emmett SQLite store in `fileName`.
 *
 * Each of Emmett's per-call connections starts with a `PRAGMA journal_mode = WAL` that it does not wait for; when the
 * disk is slow, the append's COMMIT can overlap it and fail with SQLITE_BUSY ("SQL statements in progress"), after
 * which Emmett rolls the append back. Such an append is retried here (nothing of it was stored) and counted.
 */
export function openEmmettSqlite(fileName) {
  const store = getSQLiteEventStore({ fileName });
  let retries = 0;
  return {
    /** One append of `events` (`{ type, data, metadata }`) to a stream that must not exist yet. */
    append: async (stream, events) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await store.appendToStream(stream, events, { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
        } catch (error) {
          if (error?.code !== 'SQLITE_BUSY' || attempt >= 10) throw error;
          retries++;
        }
      }
    },
    retries: () => retries,
    // Outside :memory:, the store opens and closes a connection around every call: nothing stays open.
    close: async () => {},
  };
}

/**
 * An idle connection of this folder's sqlite3 on `fileName`, as a running application's reader would hold. While it is
 * open, the connection Emmett closes after each call is not the last one, so SQLite does not checkpoint the WAL then.
 */
export async function holdOpen(fileName) {
  const { default: sqlite3 } = await import('sqlite3');
  const db = await new Promise((resolve, reject) => {
    const opened = new sqlite3.Database(fileName, (error) => (error ? reject(error) : resolve(opened)));
  });
  await new Promise((resolve, reject) =>
    db.get('SELECT count(*) FROM sqlite_master', (e) => (e ? reject(e) : resolve())),
  );
  return { close: () => new Promise((resolve) => db.close(() => resolve())) };
}
