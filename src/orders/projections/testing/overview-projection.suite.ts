import { OverviewDriftCheck } from '../../audit/overview-drift-check.js';
import type { SqlDatabase, SqlExecutor } from '../../../database/sql-database.port.js';
import type { EventStore, RecordedEvent } from '../../../event-store/event-store.port.js';
import { ProjectionCatalog } from '../../../event-store/projections/projection-catalog.js';
import { ProjectionRunner } from '../../../event-store/projections/projection-runner.js';
import { OrderCommandExecutor } from '../../commands/order-command-executor.js';
import { later } from '../../domain/testing/order-scenario.js';
import type { RebuildProgress } from '../../../event-store/projections/rebuild-progress.js';
import { OverviewQueries } from '../overview-queries.js';
import { createOverviewSchema, OVERVIEW_TABLES, type OverviewTables } from '../overview-schema.js';
import { ORDER_OVERVIEW_PROJECTION, orderOverviewProjection } from '../overview-projection.js';
import { ORDER_STORIES, OrderStoryWriter } from './order-stories.js';
import { expectedSnapshot, readModelSnapshot } from './read-model-snapshot.js';
import type { OpenReadSide, ReadSideDatabases } from './read-side-databases.js';

const fastRetry = { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 5, jitter: false };

export function startOverviewRunner(store: EventStore, db: SqlDatabase, batchSize = 25): ProjectionRunner {
  return new ProjectionRunner({
    store,
    db,
    projections: [orderOverviewProjection()],
    batchSize,
    pollIntervalMs: 5,
    retry: fastRetry,
  });
}

/** The base names as physical tables: a database filled by calling the projection directly, without a runner. */
const BASE_TABLES = Object.fromEntries(Object.values(OVERVIEW_TABLES).map((t) => [t, t])) as OverviewTables;

/** The stored folds, which the next events continue from: they must not depend on how events were batched either. */
async function storedFolds(db: SqlExecutor): Promise<string[]> {
  const rows = await db.query<{ stream: string; revision: number | string; fold: string }>(
    `SELECT stream, revision, fold FROM ${OVERVIEW_TABLES.states}`,
  );
  return rows.map((row) => `${row.stream} ${Number(row.revision)} ${row.fold}`).sort();
}

/** `order_counters` and a GROUP BY over the rows, as the drift check compares them. */
async function countersAndGroupBy(db: SqlExecutor): Promise<[string[], string[]]> {
  const line = (row: Record<string, unknown>) =>
    [row.marketplace, row.lengow_status, row.import_state, row.action_state, row.progress, Number(row.orders)].join(
      ' ',
    );
  const stored = await db.query<Record<string, unknown>>(`SELECT * FROM ${OVERVIEW_TABLES.counters}`);
  const grouped = await db.query<Record<string, unknown>>(
    `SELECT marketplace, COALESCE(lengow_status, '') AS lengow_status, import_state, action_state, progress,
            COUNT(*) AS orders
       FROM ${OVERVIEW_TABLES.overview}
      GROUP BY marketplace, COALESCE(lengow_status, ''), import_state, action_state, progress`,
  );
  return [stored.map(line).sort(), grouped.map(line).sort()];
}

/**
 * The whole log, once it shows `through` (the last event written). On PostgreSQL readAll shows nothing committed after
 * the oldest transaction still open anywhere on the server, another suite's included: read right after the writes, it
 * can stop short of them, and the expected snapshot, read a moment later, would then hold events the tables never got.
 */
async function allEvents(store: EventStore, through: string | null, timeoutMs = 20_000): Promise<RecordedEvent[]> {
  const deadline = Date.now() + timeoutMs;
  const events: RecordedEvent[] = [];
  for (;;) {
    const page = await store.readAll({ fromPosition: events.at(-1)?.position ?? null, maxCount: 1000 });
    events.push(...page);
    if (page.length > 0) continue;
    if (through === null || events.some((event) => event.position === through)) return events;
    if (Date.now() > deadline) throw new Error(`the log does not show ${through} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The overview projection against a real store and read-model database (SQLite or PostgreSQL). */
export function overviewProjectionSuite(open: OpenReadSide): void {
  let sides: ReadSideDatabases;
  let writer: OrderStoryWriter;
  const runners: ProjectionRunner[] = [];
  const runner = (db = sides.db, batchSize?: number) => {
    const created = startOverviewRunner(sides.store, db, batchSize);
    runners.push(created);
    return created;
  };
  /** Every story on orders of two marketplaces: 18 orders. */
  const writeAllStories = async (prefix = 'A') => {
    for (const marketplace of ['demo_market_fr', 'other_shop_de']) {
      for (const [i, story] of ORDER_STORIES.entries()) {
        await writer.write({ marketplace, marketplaceOrderId: `${prefix}-${i}-${story}` }, story);
      }
    }
  };

  beforeEach(async () => {
    sides = await open();
    writer = new OrderStoryWriter(sides.store);
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    await sides.cleanup();
  });

  it('gives each story the row the back office shows, and counters equal to the rows', async () => {
    await writeAllStories();
    const r = runner();
    await r.start();
    await r.waitUntilCaughtUp(await writer.lastPosition(), { timeoutMs: 20_000 });

    const snapshot = await readModelSnapshot(sides.db);
    expect(snapshot).toEqual(await expectedSnapshot(sides.store));
    const row = (id: string) =>
      snapshot.overview.find((o) => o.marketplaceOrderId === id && o.marketplace === 'demo_market_fr')!;
    expect(row('A-0-pending')).toMatchObject({ importState: 'pending', actionState: 'none', shopOrderIds: [] });
    expect(row('A-1-imported')).toMatchObject({
      importState: 'imported',
      shopOrderIds: ['SO-A-1-imported'],
      marketplaceLabel: 'Demo Market FR',
      lengowStatus: 'waiting_shipment',
      customerName: 'Anne Martin',
      deliveryCountry: 'FR',
      totalAmount: 64.8,
      currency: 'EUR',
      progress: 'in_progress',
    });
    expect(row('A-1-imported').importedAt).not.toBeNull();
    // Ignored and failed orders show the order's facts too: recorded by every import decision.
    const facts = {
      orderDate: '2024-05-02T09:15:00.000Z',
      customerName: 'Anne Martin',
      deliveryCountry: 'FR',
      totalAmount: 64.8,
      currency: 'EUR',
    };
    expect(row('A-0-pending')).toMatchObject(facts);
    expect(row('A-2-not_imported')).toMatchObject({
      importState: 'not_imported',
      importMessages: ['the EUR currency is not available in your shop'],
      importRetry: 'after_fix',
      ...facts,
    });
    expect(row('A-3-ignored')).toMatchObject({
      importState: 'ignored',
      importIgnoreCode: 'ANONYMIZED',
      importMessages: ['order is anonymized and has not been imported'],
      ...facts,
    });
    expect(row('A-4-not_shipped')).toMatchObject({
      shipState: 'failed',
      actionState: 'failed',
      actionType: 'ship',
      actionMessages: ["can't send action: tracking_number is required"],
    });
    expect(row('A-5-ship_waiting')).toMatchObject({ shipState: 'waiting', actionState: 'waiting' });
    expect(row('A-5-ship_waiting').actionWaitingSince).not.toBeNull();
    expect(row('A-6-shipped')).toMatchObject({ shipState: 'done', actionState: 'done', actionMessages: [] });
    expect(row('A-7-ship_refused')).toMatchObject({
      actionState: 'failed',
      shipMessages: ['Tracking number is not valid'],
    });
    expect(row('A-8-canceled_by_marketplace')).toMatchObject({ lengowStatus: 'canceled', progress: 'closed' });
    expect(snapshot.counters).toContain('demo_market_fr waiting_shipment imported failed in_progress 2');
    expect(snapshot.counters).toContain('other_shop_de canceled imported none closed 1');
    for (const r of snapshot.overview) {
      expect(r.lastPosition).toBe(
        (await sides.store.readStream(r.stream, { direction: 'backwards', maxCount: 1 }))[0]!.position,
      );
    }
  });

  it("shows an ignored order's date, customer and country, finds it by customer, and folds older events", async () => {
    const helene = { firstName: 'Hélène', lastName: 'Dupré' };
    const ignored = await writer.write(
      {
        marketplace: 'demo_market_fr',
        marketplaceOrderId: 'IGN-1',
        customer: helene,
        orderDate: '2024-04-30T22:10:00+02:00',
      },
      'ignored',
    );
    // An ignored order recorded before import events carried the order facts (same schema version, no `facts`).
    const older = 'order-demo_market_fr-IGN-OLD';
    await sides.store.append(older, [
      {
        type: 'OrderImportIgnored',
        data: {
          orderKey: { marketplace: 'demo_market_fr', marketplaceOrderId: 'IGN-OLD' },
          code: 'ANONYMIZED',
          message: 'order is anonymized and has not been imported',
          marketplaceStatus: 'ToShip',
          lengowStatus: 'waiting_shipment',
          at: '2024-05-02T10:00:00.000Z',
        },
        metadata: { schemaVersion: 1 },
      },
    ]);
    const r = runner();
    await r.start();
    const [last] = await sides.store.readStream(older);
    await r.waitUntilCaughtUp(last!.position, { timeoutMs: 20_000 });

    const queries = new OverviewQueries(sides.db);
    const row = await queries.getByStream(ignored.stream);
    expect(row).toMatchObject({
      importState: 'ignored',
      importIgnoreCode: 'ANONYMIZED',
      orderDate: '2024-04-30T20:10:00.000Z',
      customerName: 'Hélène Dupré',
      deliveryCountry: 'FR',
      totalAmount: 64.8,
      currency: 'EUR',
    });
    expect((await queries.list({ search: 'helene dup' })).items.map((item) => item.stream)).toEqual([ignored.stream]);
    expect(await queries.count({ search: 'dupre', importState: 'ignored' })).toBe(1);
    // "Order date" is the marketplace's now, not when the engine first saw the order.
    const april = await queries.list({
      orderDateFrom: '2024-04-30T00:00:00.000Z',
      orderDateTo: '2024-05-01T00:00:00.000Z',
    });
    expect(april.items.map((item) => item.stream)).toEqual([ignored.stream]);

    expect(await queries.getByStream(older)).toMatchObject({
      importState: 'ignored',
      unreadableEvents: 0,
      orderDate: null,
      customerName: null,
      deliveryCountry: null,
      totalAmount: null,
    });
    expect(await readModelSnapshot(sides.db)).toEqual(await expectedSnapshot(sides.store));
  });

  it('drops a NUL character a marketplace sent in a name, and goes on with the orders after it', async () => {
    const nul = await writer.write(
      {
        marketplace: 'demo_market_fr',
        marketplaceOrderId: 'NUL-1',
        customer: { firstName: 'Nul\u0000', lastName: 'Byte' },
      },
      'ignored',
    );
    const after = await writer.write({ marketplace: 'demo_market_fr', marketplaceOrderId: 'NUL-2' }, 'ignored');
    const r = runner();
    await r.start();
    const [last] = await sides.store.readStream(after.stream);
    await r.waitUntilCaughtUp(last!.position, { timeoutMs: 20_000 });
    expect(r.status().find((status) => status.name === ORDER_OVERVIEW_PROJECTION)?.state).toBe('running');

    const queries = new OverviewQueries(sides.db);
    expect(await queries.getByStream(nul.stream)).toMatchObject({ customerName: 'Nul Byte' });
    expect(await queries.getByStream(after.stream)).toMatchObject({ importState: 'ignored' });
    expect((await queries.list({ search: 'nul\u0000 byte' })).items.map((item) => item.stream)).toEqual([nul.stream]);
    expect(await queries.getByStream(`${nul.stream}\u0000`)).toBeNull();
    expect(await readModelSnapshot(sides.db)).toEqual(await expectedSnapshot(sides.store));
    const drift = await new OverviewDriftCheck(sides.db, sides.store).run();
    expect(drift.drifted).toBe(0);
  });

  it('shows "stock not decremented" with the shortfall, then the stock again pending on retry and done', async () => {
    const imported = await writer.write({ marketplace: 'demo_market_fr', marketplaceOrderId: 'STK-0' }, 'imported');
    const short = await writer.write({ marketplace: 'demo_market_fr', marketplaceOrderId: 'STK-1' }, 'stock_short');
    const r = runner();
    await r.start();
    await r.waitUntilCaughtUp(await writer.lastPosition(), { timeoutMs: 20_000 });
    const queries = new OverviewQueries(sides.db);
    expect(await queries.getByStream(imported.stream)).toMatchObject({ stockState: 'pending', stockMessages: [] });
    expect(await queries.getByStream(short.stream)).toMatchObject({
      importState: 'imported',
      stockState: 'failed',
      stockMessages: ['product 1001_3: 2 ordered, 1 in stock'],
    });
    expect((await queries.list({ stockState: 'failed' })).items.map((row) => row.stream)).toEqual([short.stream]);

    const executor = new OrderCommandExecutor(sides.store);
    const operator = (commandId: string) => ({ commandId, actor: 'operator:tester' as const });
    const caughtUp = async () => {
      const [last] = await sides.store.readStream(short.stream, { direction: 'backwards', maxCount: 1 });
      await r.waitUntilCaughtUp(last!.position, { timeoutMs: 20_000 });
    };
    await executor.execute(
      { type: 'RetryStockDecrement', data: { orderKey: short.key, now: later(60) } },
      operator('stk-retry'),
    );
    await caughtUp();
    expect(await queries.getByStream(short.stream)).toMatchObject({ stockState: 'pending', stockMessages: [] });
    await executor.execute(
      { type: 'RecordStockDecremented', data: { orderKey: short.key, key: `${short.stream}:stock`, now: later(61) } },
      operator('stk-done'),
    );
    await caughtUp();
    expect(await queries.getByStream(short.stream)).toMatchObject({ stockState: 'done', stockMessages: [] });
    expect(await queries.count({ stockState: 'failed' })).toBe(0);
    expect(await readModelSnapshot(sides.db)).toEqual(await expectedSnapshot(sides.store));
  });

  it('says why the stock was not decremented: a shortfall, or a product the shop catalogue no longer has', async () => {
    const short = await writer.write({ marketplace: 'demo_market_fr', marketplaceOrderId: 'STK-2' }, 'stock_short');
    const gone = await writer.write(
      { marketplace: 'demo_market_fr', marketplaceOrderId: 'STK-3' },
      'stock_product_gone',
    );
    const r = runner();
    await r.start();
    await r.waitUntilCaughtUp(await writer.lastPosition(), { timeoutMs: 20_000 });
    const queries = new OverviewQueries(sides.db);
    expect(await queries.getByStream(short.stream)).toMatchObject({
      stockState: 'failed',
      stockFailureCode: 'STOCK_SHORTFALL',
      stockMessages: ['product 1001_3: 2 ordered, 1 in stock'],
    });
    expect(await queries.getByStream(gone.stream)).toMatchObject({
      stockState: 'failed',
      stockFailureCode: 'PRODUCT_NOT_IN_SHOP',
      stockMessages: ['product 1001_3 is no longer in the shop catalogue'],
    });
    expect((await queries.list({ stockState: 'failed' })).items.map((row) => row.stream).sort()).toEqual(
      [short.stream, gone.stream].sort(),
    );

    const executor = new OrderCommandExecutor(sides.store);
    await executor.execute(
      { type: 'RetryStockDecrement', data: { orderKey: gone.key, now: later(60) } },
      { commandId: 'stk-gone-retry', actor: 'operator:tester' },
    );
    const [last] = await sides.store.readStream(gone.stream, { direction: 'backwards', maxCount: 1 });
    await r.waitUntilCaughtUp(last!.position, { timeoutMs: 20_000 });
    expect(await queries.getByStream(gone.stream)).toMatchObject({
      stockState: 'pending',
      stockFailureCode: null,
      stockMessages: [],
    });
    expect(await readModelSnapshot(sides.db)).toEqual(await expectedSnapshot(sides.store));
  });

  it('counts events it cannot read instead of failing, and ignores streams that are not orders', async () => {
    const { stream } = await writer.write({ marketplace: 'demo_market_fr', marketplaceOrderId: 'BAD-1' }, 'imported');
    await sides.store.append(stream, [
      { type: 'OrderArchivedInTheFuture', data: { why: 'written by a newer deployment' } },
      { type: 'OrderImportPlanned', data: { orderKey: 'no plan' }, metadata: { schemaVersion: 1 } },
    ]);
    await sides.store.append('order-demo_market_fr-GARBAGE-2', [
      { type: 'Nonsense', data: {} },
      // Shapes `evolve` accepts but the summary cannot show.
      { type: 'OrderImportFailed', data: { orderKey: {}, failures: 'boom', kind: 'permanent' } },
      { type: 'OrderImportIgnored', data: { orderKey: { marketplace: 7 }, code: 'TOO_OLD' } },
    ]);
    await sides.store.append('settings-order-parameters', [{ type: 'ImportSettingsChanged', data: {} }]);
    const r = runner();
    await r.start();
    const [last] = await sides.store.readStream('settings-order-parameters');
    await r.waitUntilCaughtUp(last!.position, { timeoutMs: 20_000 });

    expect(r.status()[0]).toMatchObject({ state: 'running', lastError: null });
    const snapshot = await readModelSnapshot(sides.db);
    expect(snapshot).toEqual(await expectedSnapshot(sides.store));
    expect(snapshot.overview.map((row) => row.stream)).toEqual([
      'order-demo_market_fr-BAD-1',
      'order-demo_market_fr-GARBAGE-2',
    ]);
    expect(snapshot.overview[0]).toMatchObject({ importState: 'imported', unreadableEvents: 2, streamRevision: 3 });
    // A stream whose events never named the order still gets a row, keyed from the stream name.
    expect(snapshot.overview[1]).toMatchObject({
      marketplace: 'demo_market_fr',
      marketplaceOrderId: 'GARBAGE-2',
      importState: 'pending',
      unreadableEvents: 3,
    });
  });

  it('is idempotent: replayed and out-of-order events change nothing, also after a checkpoint reset', async () => {
    await writeAllStories();
    const r = runner();
    await r.start();
    await r.waitUntilCaughtUp(await writer.lastPosition(), { timeoutMs: 20_000 });
    const before = await readModelSnapshot(sides.db);

    // Every event applied again, newest first, straight onto the live tables inside one transaction.
    const catalog = new ProjectionCatalog();
    const checkpoint = await catalog.checkpoint(sides.db, ORDER_OVERVIEW_PROJECTION);
    const tables = (await catalog.tables(
      sides.db,
      ORDER_OVERVIEW_PROJECTION,
      checkpoint!.generation,
    )) as OverviewTables;
    const projection = orderOverviewProjection();
    const events = await allEvents(sides.store, await writer.lastPosition());
    await sides.db.transaction(async (tx) => {
      for (const event of [...events].reverse()) {
        if (event.stream.startsWith('order-')) await projection.apply(event, tx, tables);
      }
    });
    expect(await readModelSnapshot(sides.db)).toEqual(before);

    // An operator resets the checkpoint: the runner re-delivers every event, three times over.
    for (let round = 0; round < 3; round++) {
      await r.stop();
      await sides.db.execute(`UPDATE projection_checkpoints SET position = NULL WHERE name = $1`, [
        ORDER_OVERVIEW_PROJECTION,
      ]);
      const again = runner();
      await again.start();
      await again.waitUntilCaughtUp(await writer.lastPosition(), { timeoutMs: 20_000 });
      expect(again.status()[0]!.eventsScanned).toBe(events.length);
      await again.stop();
    }
    expect(await readModelSnapshot(sides.db)).toEqual(before);
  });

  it('applies a batch exactly as it applies its events one by one, also with replays inside the batches', async () => {
    // Orders written interleaved, so that batches hold several events of several streams.
    const orders = ORDER_STORIES.map((story, i) => ({
      story,
      order: { marketplace: 'demo_market_fr', marketplaceOrderId: `I-${i}` },
    }));
    await Promise.all(orders.map(({ story, order }) => writer.write(order, story)));
    await writeAllStories();
    const written = await allEvents(sides.store, await writer.lastPosition());
    const events = written.filter((event) => event.stream.startsWith('order-'));
    const perEvent = sides.db;
    const batched = await sides.otherDb();
    const replayed = await sides.otherDb();
    for (const db of [perEvent, batched, replayed]) await db.transaction((tx) => createOverviewSchema(tx, BASE_TABLES));

    const one = orderOverviewProjection();
    for (const event of events) await perEvent.transaction((tx) => one.apply(event, tx, BASE_TABLES));
    const many = orderOverviewProjection();
    for (let from = 0; from < events.length; from += 7) {
      await batched.transaction((tx) => many.applyBatch!(events.slice(from, from + 7), tx, BASE_TABLES));
    }
    // Overlapping batches (each re-delivers the end of the previous one) through a projection with no fold cache to
    // speak of, so that starts come from the table as often as from memory.
    const forgetful = orderOverviewProjection({ foldCacheStreams: 1 });
    for (let from = 0; from < events.length; from += 8) {
      await replayed.transaction((tx) =>
        forgetful.applyBatch!(events.slice(Math.max(0, from - 3), from + 8), tx, BASE_TABLES),
      );
    }

    const expected = await expectedSnapshot(sides.store);
    for (const db of [perEvent, batched, replayed]) {
      expect(await readModelSnapshot(db)).toEqual(expected);
      expect(await storedFolds(db)).toEqual(await storedFolds(perEvent));
      const [counters, groupBy] = await countersAndGroupBy(db);
      expect(counters).toEqual(groupBy);
    }
    expect((await storedFolds(perEvent)).length).toBe(expected.overview.length);
  });

  it('leaves a stream alone when another instance has written it further since this one cached its fold', async () => {
    await writeAllStories();
    const written = await allEvents(sides.store, await writer.lastPosition());
    const streams = new Map<string, RecordedEvent[]>();
    for (const event of written) {
      if (event.stream.startsWith('order-')) streams.set(event.stream, [...(streams.get(event.stream) ?? []), event]);
    }
    const longest = [...streams.values()].sort((a, b) => b.length - a.length)[0]!;
    expect(longest.length).toBeGreaterThan(2);
    await sides.db.transaction((tx) => createOverviewSchema(tx, BASE_TABLES));
    const apply = (projection: ReturnType<typeof orderOverviewProjection>, events: RecordedEvent[]) =>
      sides.db.transaction((tx) => projection.applyBatch!(events, tx, BASE_TABLES));

    // A stale instance (one superseded mid-batch, say) caches the stream's first fold; a live one then takes the
    // stream to its end. The stale one's next event folds on its cache, so only the guarded write stands in its way.
    const stale = orderOverviewProjection();
    await apply(stale, longest.slice(0, 1));
    await apply(orderOverviewProjection(), longest);
    const live = await readModelSnapshot(sides.db);
    const folds = await storedFolds(sides.db);
    await apply(stale, longest.slice(1, 2));
    expect(await readModelSnapshot(sides.db)).toEqual(live);
    expect(await storedFolds(sides.db)).toEqual(folds);
  });

  it('after rolled-back batches and their re-delivery, equals a clean rebuild, folds included', async () => {
    await writeAllStories('A');
    const events = await allEvents(sides.store, await writer.lastPosition());
    let batches = 0;
    const failed: number[] = [];
    // Every third batch fails once after its events were applied (and the fold cache filled), before the checkpoint.
    const flaky = new ProjectionRunner({
      store: sides.store,
      db: sides.db,
      projections: [orderOverviewProjection()],
      batchSize: 6,
      pollIntervalMs: 5,
      retry: fastRetry,
      hooks: {
        beforeCheckpoint: ({ phase }) => {
          batches += 1;
          if (phase === 'live' && batches % 3 === 0 && !failed.includes(batches - 1)) {
            failed.push(batches);
            throw new Error('crash before the commit');
          }
        },
      },
    });
    runners.push(flaky);
    const cleanDb = await sides.otherDb();
    const clean = runner(cleanDb, 1000);
    await flaky.start();
    await clean.start();
    await flaky.waitUntilCaughtUp(events.at(-1)!.position, { timeoutMs: 20_000 });
    await clean.waitUntilCaughtUp(events.at(-1)!.position, { timeoutMs: 20_000 });

    expect(failed.length).toBeGreaterThan(3);
    expect(await readModelSnapshot(sides.db)).toEqual(await expectedSnapshot(sides.store));
    expect(await readModelSnapshot(sides.db)).toEqual(await readModelSnapshot(cleanDb));
    expect(await storedFolds(sides.db)).toEqual(await storedFolds(cleanDb));
    const [counters, groupBy] = await countersAndGroupBy(sides.db);
    expect(counters).toEqual(groupBy);
  });

  it('rebuilds blue-green while orders keep coming, and the rebuilt tables equal a live copy row for row', async () => {
    await writeAllStories('A');
    const live = runner(sides.db, 5);
    // A second read-model database fed by its own runner that is never rebuilt: the reference "live table".
    const referenceDb = await sides.otherDb();
    const reference = runner(referenceDb);
    await live.start();
    await reference.start();
    await live.waitUntilCaughtUp(await writer.lastPosition(), { timeoutMs: 20_000 });

    const progress: RebuildProgress[] = [];
    let appended = 0;
    let appendedAtFirstProgress = -1;
    let stopAppending = false;
    // Bounded: a writer outpacing a deliberately slow rebuild (5 events per batch) would keep it chasing the log.
    const appending = (async () => {
      for (let i = 0; (!stopAppending && i < 40) || i < 4; i++) {
        await writer.write(
          { marketplace: 'demo_market_fr', marketplaceOrderId: `B-${i}` },
          ORDER_STORIES[i % ORDER_STORIES.length]!,
        );
        appended += 1;
      }
    })();
    const result = await live.rebuild(ORDER_OVERVIEW_PROJECTION, {
      onProgress: (p) => {
        if (appendedAtFirstProgress < 0) appendedAtFirstProgress = appended;
        progress.push(p);
      },
    });
    const appendedAtSwitch = appended;
    stopAppending = true;
    await appending;

    expect(appendedAtSwitch).toBeGreaterThan(appendedAtFirstProgress);
    expect(result.generation).toBe(2);
    expect(progress.at(-1)!.phase).toBe('done');
    expect(progress.some((p) => p.phase === 'building' && p.processed > 0)).toBe(true);
    await live.waitUntilCaughtUp(await writer.lastPosition(), { timeoutMs: 20_000 });
    await reference.waitUntilCaughtUp(await writer.lastPosition(), { timeoutMs: 20_000 });

    const rebuilt = await readModelSnapshot(sides.db);
    expect(rebuilt.overview.length).toBe(18 + appended);
    expect(rebuilt).toEqual(await readModelSnapshot(referenceDb));
    expect(rebuilt).toEqual(await expectedSnapshot(sides.store));
    // The old generation is gone; readers kept their SQL (the base names are views onto generation 2).
    const [old] = await sides.db.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM projection_tables WHERE projection = $1 AND generation = 1`,
      [ORDER_OVERVIEW_PROJECTION],
    );
    expect(Number(old!.n)).toBe(0);
  });
}
