import { prepareAppends } from '../../src/event-store/event-ids.js';
import { appendStatement } from '../../src/event-store/postgres/append-statement.js';
import { openPostgresEventStore } from '../support/postgres-event-store.js';
import { checkPostgres, describeWithService } from '../support/services.js';
import { eventStoreContract, type OpenTransaction } from './event-store.contract.js';

const postgres = await checkPostgres();

describeWithService(postgres, 'PostgreSQL event store', () => {
  eventStoreContract(
    'PostgreSQL',
    async () => {
      const { schema, db, store, cleanup } = await openPostgresEventStore('es');
      return {
        store,
        cleanup,
        /** A session of the store's pool, in a transaction that appends with the adapter's own statement. */
        beginTransaction: async (): Promise<OpenTransaction> => {
          const client = await db.pool.connect();
          let open = false;
          let released = false;
          try {
            await client.query('BEGIN');
            open = true;
            // Takes the transaction id now (it is otherwise taken at the first write).
            await client.query('SELECT pg_current_xact_id()');
          } catch (error) {
            if (open) await client.query('ROLLBACK').catch(() => undefined);
            client.release();
            throw error;
          }
          return {
            append: async (stream, events) => {
              await client.query(appendStatement(schema, prepareAppends([{ stream, events }])));
            },
            commit: async () => {
              await client.query('COMMIT');
              open = false;
            },
            release: async () => {
              if (released) return;
              released = true;
              if (open) await client.query('ROLLBACK').catch(() => undefined);
              client.release();
            },
          };
        },
      };
    },
    { openTransactions: true },
  );
});
