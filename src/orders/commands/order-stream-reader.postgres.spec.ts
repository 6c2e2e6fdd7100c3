import { PostgresDatabase } from '../../database/postgres-database.js';
import { PostgresEventStore } from '../../event-store/postgres/postgres-event-store.js';
import {
  checkPostgres,
  describeWithService,
  dropSchema,
  freshSchemaName,
  POSTGRES_URL,
} from '../../../test/support/services.js';
import {
  importOrder,
  ORDER_KEY,
  shipped,
  shipSentCommands,
  shopChange,
  shopOrdersCreated,
} from '../domain/testing/order-scenario.js';
import { OrderCommandExecutor } from './order-command-executor.js';
import { loadOrder, OrderStreamReader } from './order-stream-reader.js';

const postgres = await checkPostgres();

/** One engine process: its own pool, store and cache, on the database the other engine uses too. */
interface Engine {
  db: PostgresDatabase;
  store: PostgresEventStore;
  reader: OrderStreamReader;
  executor: OrderCommandExecutor;
}

describeWithService(postgres, 'OrderStreamReader with two engines sharing PostgreSQL', () => {
  let schema: string;
  let engines: Engine[];

  beforeEach(async () => {
    schema = freshSchemaName('order_reader');
    engines = [];
    for (let i = 0; i < 2; i++) {
      const db = new PostgresDatabase({ connectionString: POSTGRES_URL, schema, max: 4 });
      await db.init();
      const store = new PostgresEventStore(db);
      await store.init();
      const reader = new OrderStreamReader(store);
      engines.push({ db, store, reader, executor: new OrderCommandExecutor(store, reader) });
    }
  });
  afterEach(async () => {
    for (const engine of engines) {
      await engine.store.close();
      await engine.db.close();
    }
    await dropSchema(schema);
  });

  const metadata = (commandId: string) => ({ commandId, actor: 'system' as const });

  it("decides each command on the other engine's appends, read from its cached revision on", async () => {
    const [a, b] = engines;
    const commands = shipSentCommands();
    for (const [i, command] of commands.entries()) {
      // The engines take turns: each one's cache is behind by what the other just wrote.
      const result = await engines[i % 2].executor.execute(command, metadata(`c${i}`));
      expect(result.appended.length).toBeGreaterThan(0);
    }
    const full = await loadOrder(a.store, ORDER_KEY);
    for (const engine of [a, b]) {
      const loaded = await engine.reader.load(ORDER_KEY);
      expect(loaded.revision).toBe(full.revision);
      expect(loaded.state).toEqual(full.state);
    }
  });

  it('turns the same command raced by both engines (warm caches) into one append', async () => {
    const [a, b] = engines;
    await a.executor.execute(importOrder(), metadata('import'));
    await b.executor.execute(shopOrdersCreated(), metadata('created'));
    await Promise.all([a.reader.load(ORDER_KEY), b.reader.load(ORDER_KEY)]);
    const results = await Promise.all(
      [a, b, a, b].map((engine, i) =>
        engine.executor.execute(shopChange('chg-ship', shipped()), metadata(`change-${i}`)),
      ),
    );
    expect(results.filter((result) => result.appended.length > 0)).toHaveLength(1);
    const full = await loadOrder(a.store, ORDER_KEY);
    expect((await a.store.readStream(full.stream)).map((event) => event.type)).toEqual([
      'OrderImportPlanned',
      'OrderImported',
      'ShopOrderShipped',
    ]);
    for (const engine of [a, b]) expect((await engine.reader.load(ORDER_KEY)).state).toEqual(full.state);
  });
});
