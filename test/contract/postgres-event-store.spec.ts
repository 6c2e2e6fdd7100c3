import { PostgresDatabase } from '../../src/database/postgres-database.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { checkPostgres, describeWithService, dropSchema, freshSchemaName, POSTGRES_URL } from '../support/services.js';
import { eventStoreContract } from './event-store.contract.js';

const postgres = await checkPostgres();

describeWithService(postgres, 'PostgreSQL event store', () => {
  eventStoreContract('PostgreSQL', async () => {
    const schema = freshSchemaName('es');
    const db = new PostgresDatabase({ connectionString: POSTGRES_URL, schema });
    await db.init();
    const store = new PostgresEventStore(db);
    await store.init();
    return {
      store,
      cleanup: async () => {
        await store.close();
        await db.close();
        await dropSchema(schema);
      },
    };
  });
});
