import { TempSqliteFolder } from '../../src/event-store/sqlite/testing/temp-sqlite-folder.js';
import { eventStoreContract } from './event-store.contract.js';

eventStoreContract('SQLite', async () => {
  const folder = new TempSqliteFolder('es-contract');
  const { store } = await folder.eventStore('events.db');
  return { store, cleanup: () => folder.dispose() };
});
