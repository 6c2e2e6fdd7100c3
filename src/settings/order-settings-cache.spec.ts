import { SqliteDatabase } from '../database/sqlite-database.js';
import type { EventStore, ReadStreamOptions } from '../event-store/event-store.port.js';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { createLogger } from '../logging/logger.js';
import { ORDER_SETTINGS_STREAM } from './domain/settings-events.js';
import { OrderSettingsCache } from './order-settings-cache.js';

/** A store whose stream reads are recorded and can be held, to look at what the cache does meanwhile. */
function watched(store: EventStore) {
  const reads: ReadStreamOptions[] = [];
  let gate: Promise<void> | null = null;
  const proxy: EventStore = Object.create(store, {
    readStream: {
      value: async (stream: string, options: ReadStreamOptions = {}) => {
        reads.push(options);
        // Read the store first: a held read returns what was there when it started.
        const events = await store.readStream(stream, options);
        if (gate) await gate;
        return events;
      },
    },
  });
  return {
    store: proxy,
    reads,
    hold(): () => void {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return () => {
        gate = null;
        release();
      };
    },
  };
}

const change = (n: number, data: Record<string, unknown> = { changes: { importWindowDays: n }, previous: {} }) => ({
  id: undefined,
  type: 'ImportSettingsChanged',
  data,
  metadata: { actor: 'operator:ann', commandId: `c${n}`, schemaVersion: 1 },
});

describe('OrderSettingsCache', () => {
  let db: SqliteDatabase;
  let store: SqliteEventStore;
  let clock: number;
  const now = () => clock;

  beforeEach(async () => {
    db = new SqliteDatabase({ path: ':memory:' });
    store = new SqliteEventStore(db);
    await store.init();
    clock = 1000;
  });
  afterEach(async () => {
    await store.close();
    await db.close();
  });

  it('serves the cached snapshot for maxAgeMs, then reads only the events after the cached revision', async () => {
    const { store: observed, reads } = watched(store);
    const cache = new OrderSettingsCache(observed, { defaultIntervalSeconds: 300, maxAgeMs: 500, now });
    await store.append(ORDER_SETTINGS_STREAM, [change(4)]);
    const first = await cache.current();
    expect(first).toMatchObject({ importWindowDays: 4, revision: '0' });

    await store.append(ORDER_SETTINGS_STREAM, [change(6)]);
    clock += 500;
    expect(await cache.current()).toBe(first);
    expect(reads).toEqual([{ fromRevision: 0 }]);

    clock += 1;
    expect(await cache.current()).toMatchObject({ importWindowDays: 6, revision: '1' });
    expect(reads).toEqual([{ fromRevision: 0 }, { fromRevision: 1 }]);
  });

  it('keeps the same snapshot object while nothing changes', async () => {
    const cache = new OrderSettingsCache(store, { defaultIntervalSeconds: 300, maxAgeMs: 0, now });
    await store.append(ORDER_SETTINGS_STREAM, [change(4)]);
    const first = await cache.current();
    clock += 10_000;
    expect(await cache.current()).toBe(first);
  });

  it('lets concurrent callers share one read', async () => {
    const { store: observed, reads } = watched(store);
    const cache = new OrderSettingsCache(observed, { defaultIntervalSeconds: 300, maxAgeMs: 500, now });
    await Promise.all(Array.from({ length: 50 }, () => cache.carrierMapping('amazon_fr')));
    expect(reads).toHaveLength(1);
  });

  it('with max age 0, never answers from a read that started before the call (read-your-writes)', async () => {
    const watchedStore = watched(store);
    const cache = new OrderSettingsCache(watchedStore.store, { defaultIntervalSeconds: 300, maxAgeMs: 0, now });
    const release = watchedStore.hold();
    const early = cache.load(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(watchedStore.reads).toHaveLength(1);

    // Appended while the first read is out: a caller asking now must see it.
    await store.append(ORDER_SETTINGS_STREAM, [change(7)]);
    clock += 1;
    const late = cache.load(0);
    release();
    expect((await early).revision).toBe(-1);
    expect((await late).snapshot).toMatchObject({ importWindowDays: 7, revision: '0' });
    expect(watchedStore.reads).toEqual([{ fromRevision: 0 }, { fromRevision: 0 }]);
  });

  it('skips an event it does not understand, with a warning, and keeps it in the history', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => lines.push(line) } });
    const cache = new OrderSettingsCache(store, { defaultIntervalSeconds: 300, maxAgeMs: 0, logger, now });
    await store.append(ORDER_SETTINGS_STREAM, [
      { type: 'SettingsFromTheFuture', data: { x: 1 } },
      change(5),
      { ...change(9), metadata: { schemaVersion: 2 } },
    ]);
    const loaded = await cache.load(0);
    expect(loaded.snapshot).toMatchObject({ importWindowDays: 5, revision: '2' });
    expect(loaded.history.map((entry) => entry.summary)).toEqual([
      'SettingsFromTheFuture (not understood by this version)',
      'import settings: importWindowDays none → 5',
      'ImportSettingsChanged (not understood by this version)',
    ]);
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual([
      'settings event not understood by this version; skipped',
      'settings event not understood by this version; skipped',
    ]);
  });

  it('lets a failed read surface to its caller and recovers on the next call', async () => {
    let fail = true;
    const flaky: EventStore = Object.create(store, {
      readStream: {
        value: (stream: string, options?: ReadStreamOptions) =>
          fail ? Promise.reject(new Error('store unreachable')) : store.readStream(stream, options),
      },
    });
    const cache = new OrderSettingsCache(flaky, { defaultIntervalSeconds: 300, maxAgeMs: 500, now });
    await store.append(ORDER_SETTINGS_STREAM, [change(4)]);
    await expect(cache.current()).rejects.toThrow('store unreachable');
    fail = false;
    expect(await cache.current()).toMatchObject({ importWindowDays: 4 });
  });

  it('answers an empty mapping for a marketplace it does not know, whatever the code', async () => {
    const cache = new OrderSettingsCache(store, { defaultIntervalSeconds: 300, now });
    for (const code of ['amazon_fr', 'constructor', '__proto__', 42 as never]) {
      expect(await cache.carrierMapping(code)).toEqual({ carriers: [], methods: [], defaults: [] });
    }
  });
});
