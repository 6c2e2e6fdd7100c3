import { PostgresDatabase } from '../../../database/postgres-database.js';
import type { SqlDatabase } from '../../../database/sql-database.port.js';
import { SqliteDatabase } from '../../../database/sqlite-database.js';
import type { EventStore } from '../../../event-store/event-store.port.js';
import { PostgresEventStore } from '../../../event-store/postgres/postgres-event-store.js';
import { SqliteEventStore } from '../../../event-store/sqlite/sqlite-event-store.js';
import { dropSchema, freshSchemaName, POSTGRES_URL } from '../../../../test/support/services.js';

/** TEST SUPPORT. An event store and a read-model database as a deployment pairs them: one SQLite file, or one schema. */
export interface ReadSideDatabases {
  store: EventStore;
  db: SqlDatabase;
  /** Another, empty read-model database of the same kind (closed by cleanup), e.g. for a second runner to compare. */
  otherDb(): Promise<SqlDatabase>;
  cleanup(): Promise<void>;
}

export type OpenReadSide = () => Promise<ReadSideDatabases>;

export const openSqlite: OpenReadSide = async () => {
  const db = new SqliteDatabase({ path: ':memory:' });
  const store = new SqliteEventStore(db);
  await store.init();
  const others: SqliteDatabase[] = [];
  return {
    store,
    db,
    otherDb: async () => {
      const other = new SqliteDatabase({ path: ':memory:' });
      others.push(other);
      return other;
    },
    cleanup: async () => {
      await store.close();
      await db.close();
      for (const other of others) await other.close();
    },
  };
};

export const openPostgres: OpenReadSide = async () => {
  const schema = freshSchemaName('overview');
  const db = new PostgresDatabase({ connectionString: POSTGRES_URL, schema });
  await db.init();
  const store = new PostgresEventStore(db);
  await store.init();
  const others: { db: PostgresDatabase; schema: string }[] = [];
  return {
    store,
    db,
    otherDb: async () => {
      const other = new PostgresDatabase({ connectionString: POSTGRES_URL, schema: freshSchemaName('other') });
      await other.init();
      others.push({ db: other, schema: other.schema });
      return other;
    },
    cleanup: async () => {
      await store.close();
      await db.close();
      await dropSchema(schema);
      for (const other of others) {
        await other.db.close();
        await dropSchema(other.schema);
      }
    },
  };
};
