import { TempSqliteFolder } from '../../src/event-store/sqlite/testing/temp-sqlite-folder.js';
import { projectionRunnerContract } from './projection-runner.contract.js';

// The embedded default: events and read models on one SQLite file and one shared connection.
projectionRunnerContract('SQLite', async () => {
  const folder = new TempSqliteFolder('projection-contract');
  const { db, store } = await folder.eventStore('engine.db');
  return { store, db, cleanup: () => folder.dispose() };
});
