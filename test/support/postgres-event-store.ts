import { PostgresDatabase } from '../../src/database/postgres-database.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { dropSchema, freshSchemaName, POSTGRES_URL } from './services.js';

export interface OpenedPostgresEventStore {
  schema: string;
  db: PostgresDatabase;
  store: PostgresEventStore;
  /** Closes the store and its database, then drops the schema. */
  cleanup(): Promise<void>;
}

/** An event store in a fresh schema of the test PostgreSQL server (the schema also holds whatever else the test adds). */
export async function openPostgresEventStore(prefix: string): Promise<OpenedPostgresEventStore> {
  const schema = freshSchemaName(prefix);
  const db = new PostgresDatabase({ connectionString: POSTGRES_URL, schema });
  await db.init();
  const store = new PostgresEventStore(db);
  await store.init();
  return {
    schema,
    db,
    store,
    cleanup: async () => {
      await store.close();
      await db.close();
      await dropSchema(schema);
    },
  };
}
