import { PostgresDatabase } from '../../src/database/postgres-database.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { checkPostgres, describeWithService, dropSchema, freshSchemaName, POSTGRES_URL } from '../support/services.js';
import { projectionRunnerContract } from './projection-runner.contract.js';

const postgres = await checkPostgres();

describeWithService(postgres, 'PostgreSQL projection runner', () => {
  // A fresh schema per test holds both the event store and the read model, as in a PostgreSQL deployment.
  projectionRunnerContract('PostgreSQL', async () => {
    const schema = freshSchemaName('proj');
    const db = new PostgresDatabase({ connectionString: POSTGRES_URL, schema });
    await db.init();
    const store = new PostgresEventStore(db);
    await store.init();
    return {
      store,
      db,
      cleanup: async () => {
        await store.close();
        await db.close();
        await dropSchema(schema);
      },
    };
  });
});
