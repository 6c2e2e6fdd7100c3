import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDatabase } from '../../src/database/sqlite-database.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { projectionRunnerContract } from './projection-runner.contract.js';

// The embedded default: events and read models on one SQLite file and one shared connection.
projectionRunnerContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'projection-contract-'));
  const db = new SqliteDatabase({ path: join(dir, 'engine.db') });
  const store = new SqliteEventStore(db);
  await store.init();
  return {
    store,
    db,
    cleanup: async () => {
      await store.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
