import { jest } from '@jest/globals';
import { SqliteDatabase } from '../../database/sqlite-database.js';
import type { EventStore, ReadStreamOptions, RecordedEvent } from '../../event-store/event-store.port.js';
import { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store.js';
import type { OrderCommand } from '../domain/order-commands.js';
import type { OrderKey } from '../domain/order-key.js';
import {
  actionOutcome,
  actionSent,
  importFailure,
  importOrder,
  ORDER_KEY,
  reimportOrder,
  requestShip,
  shipAttempt,
  shipped,
  shopChange,
  shopOrdersCreated,
  STREAM,
} from '../domain/testing/order-scenario.js';
import { OrderCommandExecutor } from './order-command-executor.js';
import { loadOrder, OrderStreamReader } from './order-stream-reader.js';

/** The real SQLite store, with every order-stream read recorded (options and rows returned). */
class CountingStore {
  readonly reads: { stream: string; options: ReadStreamOptions; rows: number }[] = [];
  /** Runs once right after the next read of a stream returned: another writer acting between read and append. */
  afterNextRead?: () => Promise<void>;

  constructor(public target: EventStore) {}

  wrap(): EventStore {
    return new Proxy(this.target, {
      get: (_, key) => {
        if (key === 'readStream')
          return async (stream: string, options: ReadStreamOptions = {}) => {
            const events = await this.target.readStream(stream, options);
            this.reads.push({ stream, options, rows: events.length });
            const hook = this.afterNextRead;
            this.afterNextRead = undefined;
            await hook?.();
            return events;
          };
        const value = Reflect.get(this.target, key) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(this.target) : value;
      },
    });
  }

  take() {
    return this.reads.splice(0);
  }
}

const metadata = (commandId: string) => ({ commandId, actor: 'system' as const, correlationId: `corr:${commandId}` });

/** Import, create, ship in the shop, ask Lengow to ship both lines, one sent, one refused, a failed re-import. */
const LIFECYCLE: OrderCommand[] = [
  importOrder(),
  shopOrdersCreated(),
  shopChange('chg-ship', shipped()),
  requestShip(),
  actionSent(shipAttempt('DM-1'), '5001'),
  actionOutcome(shipAttempt('DM-1'), { kind: 'accepted' }),
  reimportOrder(),
  importFailure({ generation: 2 }),
];

function orderKey(id: string): OrderKey {
  return { marketplace: 'demo_market_fr', marketplaceOrderId: id };
}

describe('OrderStreamReader', () => {
  let db: SqliteDatabase;
  let sqlite: SqliteEventStore;
  let counting: CountingStore;
  let store: EventStore;

  beforeEach(async () => {
    db = new SqliteDatabase({ path: ':memory:' });
    sqlite = new SqliteEventStore(db);
    await sqlite.init();
    counting = new CountingStore(sqlite);
    store = counting.wrap();
  });
  afterEach(async () => {
    await sqlite.close();
    await db.close();
  });

  async function run(executor: OrderCommandExecutor, commands: OrderCommand[], prefix = 'c') {
    for (const [i, command] of commands.entries()) await executor.execute(command, metadata(`${prefix}${i}`));
  }

  it('folds to what a full read folds, reading only the events appended since its last read', async () => {
    const reader = new OrderStreamReader(store);
    const executor = new OrderCommandExecutor(store, reader);
    for (const [i, command] of LIFECYCLE.entries()) {
      const before = (await reader.load(ORDER_KEY)).revision;
      counting.take();
      await executor.execute(command, metadata(`c${i}`));
      // The executor's own load: one read, from the revision after the cached one.
      const [read] = counting.take();
      expect(read.options.fromRevision ?? 0).toBe(before + 1);
      expect(read.rows).toBe(0);
      const loaded = await reader.load(ORDER_KEY);
      const full = await loadOrder(sqlite, ORDER_KEY);
      expect(loaded.revision).toBe(full.revision);
      expect(loaded.state).toEqual(full.state);
    }
    expect((await reader.load(ORDER_KEY)).state.actionRequests).toHaveLength(1);
  });

  it('reads nothing but the (empty) tail when nothing was appended, and returns the cached fold', async () => {
    const reader = new OrderStreamReader(store);
    await run(new OrderCommandExecutor(store, reader), LIFECYCLE.slice(0, 3));
    const first = await reader.load(ORDER_KEY);
    counting.take();
    const again = await reader.load(ORDER_KEY);
    expect(again).toBe(first);
    expect(counting.take()).toEqual([{ stream: STREAM, options: { fromRevision: first.revision + 1 }, rows: 0 }]);
  });

  it('picks up what another writer (another process, another cache) appended', async () => {
    const reader = new OrderStreamReader(store);
    const mine = new OrderCommandExecutor(store, reader);
    const theirs = new OrderCommandExecutor(sqlite); // its own reader, as another engine sharing the database
    await mine.execute(importOrder(), metadata('c0'));
    expect((await reader.load(ORDER_KEY)).revision).toBe(0);
    await theirs.execute(shopOrdersCreated(), metadata('c1'));
    await theirs.execute(shopChange('chg-ship', shipped()), metadata('c2'));
    counting.take();
    const loaded = await reader.load(ORDER_KEY);
    expect(counting.take()).toEqual([{ stream: STREAM, options: { fromRevision: 1 }, rows: 2 }]);
    expect(loaded).toMatchObject({ revision: 2, state: (await loadOrder(sqlite, ORDER_KEY)).state });
    // And decides the next command on it.
    const result = await mine.execute(requestShip(), metadata('c3'));
    expect(result.appended.map((event) => event.type)).toEqual(['ActionRequested']);
  });

  it('keeps at most `capacity` streams, dropping the least recently used', async () => {
    const reader = new OrderStreamReader(store, { capacity: 2 });
    const executor = new OrderCommandExecutor(store, reader);
    const keys = ['A', 'B', 'C'].map(orderKey);
    for (const key of keys)
      await executor.execute(
        importOrder({ snapshot: { ...importOrder().data.snapshot, ...key } }),
        metadata(key.marketplaceOrderId),
      );
    for (const key of keys) await reader.load(key);
    expect(reader.size).toBe(2);
    await reader.load(keys[1]); // B is now the most recently used, C the least
    await reader.load(keys[0]); // A was dropped: read from the start; evicts C
    counting.take();
    await reader.load(keys[1]);
    await reader.load(keys[2]);
    expect(counting.take().map((read) => [read.stream, read.options.fromRevision ?? 0])).toEqual([
      ['order-demo_market_fr-B', 1],
      ['order-demo_market_fr-C', 0],
    ]);
    expect(reader.size).toBe(2);
  });

  it('caches nothing with capacity 0 and nothing for a stream that does not exist', async () => {
    const none = new OrderStreamReader(store, { capacity: 0 });
    await run(new OrderCommandExecutor(store, none), LIFECYCLE.slice(0, 2));
    expect(none.size).toBe(0);
    expect((await none.load(ORDER_KEY)).revision).toBe(1);
    const reader = new OrderStreamReader(store);
    expect(await reader.load(orderKey('missing'))).toMatchObject({ revision: -1, state: { orderKey: null } });
    expect(reader.size).toBe(0);
  });

  it('drops the entry on a revision conflict and decides again on the stream as stored', async () => {
    const reader = new OrderStreamReader(store);
    const executor = new OrderCommandExecutor(store, reader);
    await run(executor, LIFECYCLE.slice(0, 2));
    await reader.load(ORDER_KEY);
    const other = new OrderCommandExecutor(sqlite);
    // Another engine records the shop change between our read and our append.
    counting.afterNextRead = async () => {
      await other.execute(shopChange('chg-ship', shipped()), metadata('theirs'));
    };
    counting.take();
    const forget = jest.spyOn(reader, 'forget');
    const result = await executor.execute(shopChange('chg-ship', shipped()), metadata('mine'));
    expect(forget).toHaveBeenCalledWith(STREAM);
    // Their event already holds the change: ours is an idempotent repeat, decided on a full re-read.
    expect(result).toMatchObject({ appended: [], revision: 2 });
    expect(counting.take().map((read) => read.options.fromRevision ?? 0)).toEqual([2, 0]);
  });

  it('refolds from the start a cache that disagrees with the store, at the latest on a conflict', async () => {
    const reader = new OrderStreamReader(store);
    const executor = new OrderCommandExecutor(store, reader);
    await run(executor, LIFECYCLE.slice(0, 3));
    expect((await reader.load(ORDER_KEY)).revision).toBe(2);
    // The database is replaced under the engine (a test wiping it): the stream now holds two events.
    const fresh = new SqliteDatabase({ path: ':memory:' });
    const freshStore = new SqliteEventStore(fresh);
    await freshStore.init();
    try {
      await run(new OrderCommandExecutor(freshStore), LIFECYCLE.slice(0, 2));
      counting.target = freshStore;
      // Decided on the cache, the ship request goes out against revision 2 and conflicts; decided again on the stream
      // as now stored, the shop change it refers to does not exist.
      await expect(executor.execute(requestShip(), metadata('c3'))).rejects.toMatchObject({
        code: 'SHOP_CHANGE_NOT_FOUND',
      });
      expect(await reader.load(ORDER_KEY)).toMatchObject({
        revision: 1,
        state: (await loadOrder(freshStore, ORDER_KEY)).state,
      });
    } finally {
      counting.target = sqlite;
      await freshStore.close();
      await fresh.close();
    }
  });

  it('refolds from the start when the tail read does not continue the cached revision', async () => {
    const reader = new OrderStreamReader(store);
    await run(new OrderCommandExecutor(store, reader), LIFECYCLE.slice(0, 2));
    await reader.load(ORDER_KEY);
    await new OrderCommandExecutor(sqlite).execute(shopChange('chg-ship', shipped()), metadata('c2'));
    const real = sqlite.readStream.bind(sqlite);
    const skipping = jest.spyOn(sqlite, 'readStream').mockImplementationOnce(async (stream, options) => {
      const events = await real(stream, options);
      return events.map((event) => ({ ...event, revision: event.revision + 1 }));
    });
    const loaded = await reader.load(ORDER_KEY);
    expect(skipping.mock.calls.map(([, options]) => options?.fromRevision ?? 0)).toEqual([2, 0]);
    expect(loaded).toMatchObject({ revision: 2, state: (await loadOrder(sqlite, ORDER_KEY)).state });
    skipping.mockRestore();
  });

  it('loads the state at a past revision, from the cache when it is behind, from the start when it is past', async () => {
    const reader = new OrderStreamReader(store);
    const writer = new OrderCommandExecutor(sqlite);
    await run(writer, LIFECYCLE);
    const last = (await loadOrder(sqlite, ORDER_KEY)).revision;
    const at = async (revision: number) => {
      counting.take();
      const loaded = await reader.load(ORDER_KEY, { upToRevision: revision });
      const expected = await loadOrder(sqlite, ORDER_KEY, revision);
      expect(loaded.revision).toBe(expected.revision);
      expect(loaded.state).toEqual(expected.state);
      return counting.take().map((read) => read.options);
    };
    expect(await at(1)).toEqual([{ maxCount: 2 }]);
    expect(await at(3)).toEqual([{ fromRevision: 2, maxCount: 2 }]);
    expect(await at(3)).toEqual([]);
    expect(await at(-1)).toEqual([]);
    expect(await at(last + 5)).toEqual([{ fromRevision: 4, maxCount: last + 2 }]);
    // The cache is now at the end: a past revision is folded from the start, and the cache keeps its newer entry.
    expect(await at(2)).toEqual([{ maxCount: 3 }]);
    counting.take();
    expect((await reader.load(ORDER_KEY)).revision).toBe(last);
    expect(counting.take().map((read) => read.options)).toEqual([{ fromRevision: last + 1 }]);
    await expect(reader.load(ORDER_KEY, { upToRevision: 1.5 })).rejects.toThrow(RangeError);
  });

  it('serves a minimum revision from the cache when it is already there, and reads the tail otherwise', async () => {
    const reader = new OrderStreamReader(store);
    await run(new OrderCommandExecutor(sqlite), LIFECYCLE.slice(0, 3));
    await reader.load(ORDER_KEY, { upToRevision: 1 });
    counting.take();
    expect(await reader.load(ORDER_KEY, { minRevision: 1 })).toMatchObject({ revision: 1 });
    expect(await reader.load(ORDER_KEY, { minRevision: 0 })).toMatchObject({ revision: 1 });
    expect(counting.take()).toEqual([]);
    expect(await reader.load(ORDER_KEY, { minRevision: 2 })).toMatchObject({ revision: 2 });
    expect(counting.take()).toEqual([{ stream: STREAM, options: { fromRevision: 2 }, rows: 1 }]);
    // Not cached at all: read.
    expect(await reader.load(orderKey('other'), { minRevision: -1 })).toMatchObject({ revision: -1 });
    expect(counting.take()).toHaveLength(1);
  });

  it('folds a delivered event onto the revision right before it without reading; reads when further behind', async () => {
    const reader = new OrderStreamReader(store);
    await run(new OrderCommandExecutor(sqlite), LIFECYCLE.slice(0, 4));
    const events = await sqlite.readStream(STREAM);
    await reader.load(ORDER_KEY, { upToRevision: 1 });
    counting.take();
    const atTwo = await reader.loadAt(events[2]);
    expect(counting.take()).toEqual([]);
    expect(atTwo.revision).toBe(2);
    expect(atTwo.state).toEqual((await loadOrder(sqlite, ORDER_KEY, 2)).state);
    // Already there (a redelivery): the cache, no read.
    expect(await reader.loadAt(events[1])).toBe(atTwo);
    expect(counting.take()).toEqual([]);
    // A gap between the cache and the event: the tail is read, from the store.
    const other = new OrderStreamReader(store);
    await other.load(ORDER_KEY, { upToRevision: 0 });
    counting.take();
    expect(await other.loadAt(events[3])).toMatchObject({ revision: 3 });
    expect(counting.take()).toEqual([{ stream: STREAM, options: { fromRevision: 1 }, rows: 3 }]);
    // Nothing cached: read, unless the event is the stream's first.
    expect(await new OrderStreamReader(store).loadAt(events[2])).toMatchObject({ revision: 3 });
    expect(counting.take()).toHaveLength(1);
    const first = await new OrderStreamReader(store).loadAt(events[0]);
    expect(counting.take()).toEqual([]);
    expect(first.revision).toBe(0);
    expect(first.state).toEqual((await loadOrder(sqlite, ORDER_KEY, 0)).state);
  });

  it('hands out frozen states: a caller cannot corrupt what the next command is decided on', async () => {
    const reader = new OrderStreamReader(store);
    // The whole lifecycle decided and evolved on frozen states: neither decide nor evolve writes to its input.
    await run(new OrderCommandExecutor(store, reader), LIFECYCLE);
    const { state } = await reader.load(ORDER_KEY);
    expect(Object.isFrozen(state)).toBe(true);
    expect(Object.isFrozen(state.shopOrders[0])).toBe(true);
    expect(Object.isFrozen(state.actionRequests[0].tries[0].attempts[0].arguments)).toBe(true);
    expect(() => {
      (state as { generation: number }).generation = 99;
    }).toThrow(TypeError);
    expect(() => (state.moi as unknown[]).push({})).toThrow(TypeError);
  });

  it('skips events this version cannot read, as a full load does, and still moves past them', async () => {
    const reader = new OrderStreamReader(store);
    await run(new OrderCommandExecutor(store, reader), LIFECYCLE.slice(0, 1));
    await reader.load(ORDER_KEY);
    await sqlite.append(STREAM, [
      { type: 'OrderImportPlanned', data: {}, metadata: { schemaVersion: 99 } },
      { type: 'SomethingNew', data: { x: 1 } },
    ]);
    const loaded = await reader.load(ORDER_KEY);
    const full = await loadOrder(sqlite, ORDER_KEY);
    expect(loaded).toMatchObject({ revision: 2, state: full.state });
  });

  it('keeps the correlation ids the follow-up index needs from the events metadata', async () => {
    const reader = new OrderStreamReader(store);
    const executor = new OrderCommandExecutor(store, reader);
    await run(executor, LIFECYCLE.slice(0, 4));
    const before = await reader.load(ORDER_KEY);
    expect(Object.fromEntries(before.correlations.actionRequested)).toEqual({
      [shipAttempt('DM-1')]: 'corr:c3',
      [shipAttempt('DM-2')]: 'corr:c3',
    });
    expect(before.correlations.lastImportFailure).toBeNull();
    await run(executor, LIFECYCLE.slice(4), 'later');
    const after = await reader.load(ORDER_KEY);
    const events: RecordedEvent[] = await sqlite.readStream(STREAM);
    expect(events.filter((event) => event.type === 'OrderImportFailed')).toHaveLength(1);
    expect(after.correlations.lastImportFailure).toBe(`corr:later${LIFECYCLE.length - 5}`);
    // Folding later events left the earlier fold's correlations as they were.
    expect(before.correlations.lastImportFailure).toBeNull();
  });

  it('lets racing executors sharing one reader turn one command into one append', async () => {
    const reader = new OrderStreamReader(store);
    await run(new OrderCommandExecutor(store, reader), LIFECYCLE.slice(0, 2));
    await reader.load(ORDER_KEY);
    const executors = Array.from({ length: 6 }, () => new OrderCommandExecutor(store, reader));
    const results = await Promise.all(
      executors.map((executor, i) => executor.execute(shopChange('chg-ship', shipped()), metadata(`race-${i}`))),
    );
    expect(results.filter((result) => result.appended.length > 0)).toHaveLength(1);
    expect(await reader.load(ORDER_KEY)).toMatchObject({
      revision: 2,
      state: (await loadOrder(sqlite, ORDER_KEY)).state,
    });
  });

  it('rejects a capacity that is not a count', () => {
    expect(() => new OrderStreamReader(store, { capacity: -1 })).toThrow(RangeError);
    expect(() => new OrderStreamReader(store, { capacity: 1.5 })).toThrow(RangeError);
  });
});
