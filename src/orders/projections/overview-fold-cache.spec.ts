import type { SqlExecutor, SqlParam } from '../../database/sql-database.port.js';
import { SqliteDatabase } from '../../database/sqlite-database.js';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store.js';
import { FOLD_CACHE_STREAMS, orderOverviewProjection } from './overview-projection.js';
import { createOverviewSchema, OVERVIEW_TABLES, type OverviewTables } from './overview-schema.js';
import { OrderStoryWriter } from './testing/order-stories.js';
import { expectedSnapshot, readModelSnapshot } from './testing/read-model-snapshot.js';

/**
 * The projection's fold cache lives as long as the projection, across batches, transactions and executors: it must
 * stay bounded, and a fold written by a rolled-back transaction must not be trusted. The tests drive it through one
 * executor object shared by every transaction (as SQLite's group commit once handed out), which also counts fold reads.
 */

const tables = Object.fromEntries(Object.values(OVERVIEW_TABLES).map((t) => [t, t])) as OverviewTables;

describe('order overview fold cache', () => {
  let db: SqliteDatabase;
  let store: SqliteEventStore;
  let current: SqlExecutor | null;
  let foldReads: number;
  /** One executor object for every transaction, as SQLite's connection hands out; counts fold reads. */
  const shared: SqlExecutor = {
    dialect: 'sqlite',
    query: <Row>(sql: string, params?: SqlParam[]) => {
      if (sql.includes(`FROM ${OVERVIEW_TABLES.states}`)) foldReads++;
      return current!.query<Row>(sql, params);
    },
    execute: (sql: string, params?: SqlParam[]) => current!.execute(sql, params),
  };
  const inTransaction = (work: () => Promise<void>) =>
    db.transaction(async (tx) => {
      current = tx;
      try {
        await work();
      } finally {
        current = null;
      }
    });

  beforeEach(async () => {
    db = new SqliteDatabase({ path: ':memory:' });
    store = new SqliteEventStore(db);
    await store.init();
    await db.transaction((tx) => createOverviewSchema(tx, tables));
    foldReads = 0;
  });

  afterEach(async () => {
    await store.close();
    await db.close();
  });

  async function storyEvents(ids: string[]): Promise<RecordedEvent[][]> {
    const writer = new OrderStoryWriter(store);
    const streams: RecordedEvent[][] = [];
    for (const id of ids) {
      const { stream } = await writer.write({ marketplace: 'demo_market_fr', marketplaceOrderId: id }, 'shipped');
      streams.push(await store.readStream(stream));
    }
    return streams;
  }

  it('keeps at most foldCacheStreams streams: the least recently written one is read back', async () => {
    const [a, b, c] = await storyEvents(['A', 'B', 'C']);
    expect(a.length).toBeGreaterThan(2);
    const projection = orderOverviewProjection({ foldCacheStreams: 2 });
    const apply = (event: RecordedEvent) => inTransaction(() => projection.apply(event, shared, tables));

    for (const stream of [a, b, c]) await apply(stream[0]);
    expect(foldReads).toBe(3); // three new streams
    await apply(c[1]);
    await apply(b[1]);
    expect(foldReads).toBe(3); // still cached
    await apply(a[1]);
    expect(foldReads).toBe(4); // evicted by C
    for (const stream of [a, b, c]) for (const event of stream.slice(2)) await apply(event);
    expect(await readModelSnapshot(db)).toEqual(await expectedSnapshot(store));
  });

  it('does not grow with the streams it has seen (default bound)', async () => {
    const [first] = await storyEvents(['X']);
    const projection = orderOverviewProjection();
    // The same first event under more stream names than the bound: as many distinct streams as a long backfill.
    const streams = FOLD_CACHE_STREAMS + 76;
    await inTransaction(async () => {
      for (let from = 0; from < streams; from += 200) {
        const events = Array.from({ length: Math.min(200, streams - from) }, (_, i) => ({
          ...first[0],
          stream: `order-x-${from + i}`,
        }));
        await projection.applyBatch!(events, shared, tables);
      }
    });
    foldReads = 0;
    await inTransaction(() => projection.apply({ ...first[1], stream: `order-x-${streams - 1}` }, shared, tables));
    expect(foldReads).toBe(0);
    await inTransaction(() => projection.apply({ ...first[1], stream: 'order-x-0' }, shared, tables));
    expect(foldReads).toBe(1);
  });

  it('forgets the folds of tables that are set up again (a freed generation number can come back)', async () => {
    const [a] = await storyEvents(['A']);
    const projection = orderOverviewProjection();
    await inTransaction(() => projection.apply(a[0], shared, tables));
    await inTransaction(() => projection.apply(a[1], shared, tables));
    expect(foldReads).toBe(1);
    await inTransaction(() => projection.setup(shared, tables));
    await inTransaction(() => projection.apply(a[2], shared, tables));
    expect(foldReads).toBe(2);
  });

  it('reads the row back after a rolled-back transaction instead of trusting the fold it cached', async () => {
    const [a] = await storyEvents(['A']);
    const projection = orderOverviewProjection();
    const last = a.at(-1)!;
    await inTransaction(async () => {
      for (const event of a.slice(0, -1)) await projection.apply(event, shared, tables);
    });
    await expect(
      inTransaction(async () => {
        await projection.apply(last, shared, tables);
        throw new Error('a later event of the batch failed');
      }),
    ).rejects.toThrow('a later event of the batch failed');
    // The runner re-delivers from the committed checkpoint.
    await inTransaction(() => projection.apply(last, shared, tables));
    expect(await readModelSnapshot(db)).toEqual(await expectedSnapshot(store));
  });
});
