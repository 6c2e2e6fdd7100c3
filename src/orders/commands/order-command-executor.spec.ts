import type { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store.js';
import { TempSqliteFolder } from '../../event-store/sqlite/testing/temp-sqlite-folder.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import {
  importOrder,
  reimportOrder,
  shipped,
  shopChange,
  shopOrdersCreated,
  STREAM,
} from '../domain/testing/order-scenario.js';
import { OrderCommandExecutor } from './order-command-executor.js';
import { StaleOrderRevision } from './stale-order-revision.error.js';

describe('OrderCommandExecutor', () => {
  let folder: TempSqliteFolder;
  let store: SqliteEventStore;

  beforeEach(async () => {
    folder = new TempSqliteFolder('order-executor');
    ({ store } = await folder.eventStore('events.sqlite'));
  });
  afterEach(() => folder.dispose());

  it('appends the decided events with metadata and a schema version', async () => {
    const executor = new OrderCommandExecutor(store);
    const result = await executor.execute(importOrder(), {
      commandId: 'poll-1:o1',
      actor: 'system',
      correlationId: 'poll-1',
    });
    expect(result.appended.map((e) => e.type)).toEqual(['OrderImportPlanned']);
    const [event] = await store.readStream(STREAM);
    expect(event.metadata).toMatchObject({
      correlationId: 'poll-1',
      causationId: 'poll-1:o1',
      actor: 'system',
      commandId: 'poll-1:o1',
      schemaVersion: 1,
    });
  });

  it('turns overlapping imports of one order into a single plan (racing writers re-decide)', async () => {
    const executors = Array.from({ length: 8 }, () => new OrderCommandExecutor(store));
    const results = await Promise.all(
      executors.map((executor, i) => executor.execute(importOrder(), { commandId: `poll-${i}`, actor: 'system' })),
    );
    expect(results.filter((r) => r.appended.length > 0)).toHaveLength(1);
    const events = await store.readStream(STREAM);
    expect(events.map((e) => e.type)).toEqual(['OrderImportPlanned']);
  });

  it('appends nothing when the same command is sent again', async () => {
    const executor = new OrderCommandExecutor(store);
    await executor.execute(importOrder(), { commandId: 'c1', actor: 'system' });
    const again = await executor.execute(importOrder(), { commandId: 'c1', actor: 'system' });
    expect(again.appended).toEqual([]);
    expect(await store.readStream(STREAM)).toHaveLength(1);
  });

  it('refuses a caller revision that is no longer current', async () => {
    const executor = new OrderCommandExecutor(store);
    await executor.execute(importOrder(), { commandId: 'c1', actor: 'system' });
    await expect(
      executor.execute(importOrder(), { commandId: 'c2', actor: 'operator:ann' }, { expectedRevision: -1 }),
    ).rejects.toBeInstanceOf(StaleOrderRevision);
  });

  it('refuses, without retrying, when the stream moves past the caller’s revision between its load and its append', async () => {
    const executor = new OrderCommandExecutor(store);
    await executor.execute(importOrder(), { commandId: 'c1', actor: 'system' });
    await executor.execute(shopOrdersCreated(), { commandId: 'saga-1', actor: 'saga:shop-orders' });
    let raced = false;
    // Another writer gets its events in just before this command's append.
    const racing = new Proxy(store, {
      get: (target, key, receiver) => {
        if (key !== 'append') return Reflect.get(target, key, receiver) as unknown;
        return async (...args: Parameters<EventStore['append']>) => {
          if (!raced) {
            raced = true;
            await executor.execute(shopChange('chg-ship', shipped()), { commandId: 'feed-1', actor: 'system' });
          }
          return target.append(...args);
        };
      },
    });
    const refusal = new OrderCommandExecutor(racing)
      .execute(reimportOrder(), { commandId: 'c2', actor: 'operator:ann' }, { expectedRevision: 1 })
      .catch((error: unknown) => error);
    await expect(refusal).resolves.toMatchObject({ constructor: StaleOrderRevision, expected: 1, actual: 2 });
    expect((await store.readStream(STREAM)).map((e) => e.type)).toEqual([
      'OrderImportPlanned',
      'OrderImported',
      'ShopOrderShipped',
    ]);
  });
});
