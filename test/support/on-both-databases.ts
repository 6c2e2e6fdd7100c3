import { PostgresDatabase } from '../../src/database/postgres-database.js';
import type { SqlDatabase } from '../../src/database/sql-database.port.js';
import { SqliteDatabase } from '../../src/database/sqlite-database.js';
import { checkPostgres, describeWithService, dropSchema, freshSchemaName, POSTGRES_URL } from './services.js';

export interface OpenedDatabase {
  db: SqlDatabase;
  cleanup: () => Promise<void>;
}

const postgres = await checkPostgres();

/**
 * Runs `suite` twice: on an in-memory SQLite database, and on a fresh PostgreSQL schema (named after `schemaPrefix`,
 * dropped afterwards) where the service is there. `open` gives each test its own database.
 */
export function describeOnBothDatabases(
  subject: string,
  schemaPrefix: string,
  suite: (open: () => Promise<OpenedDatabase>) => void,
): void {
  describe(`${subject} on SQLite`, () => {
    suite(async () => {
      const db = new SqliteDatabase({ path: ':memory:' });
      return { db, cleanup: async () => db.close() };
    });
  });
  describeWithService(postgres, `${subject} on PostgreSQL`, () => {
    suite(async () => {
      const schema = freshSchemaName(schemaPrefix);
      const db = new PostgresDatabase({ connectionString: POSTGRES_URL, schema });
      await db.init();
      return {
        db,
        cleanup: async () => {
          await db.close();
          await dropSchema(schema);
        },
      };
    });
  });
}
