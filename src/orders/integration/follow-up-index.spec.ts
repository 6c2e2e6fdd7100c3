import type { SqliteDatabase } from '../../database/sqlite-database.js';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import type { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store.js';
import { TempSqliteFolder } from '../../event-store/sqlite/testing/temp-sqlite-folder.js';
import { OrderCommandExecutor } from '../commands/order-command-executor.js';
import { OrderStreamReader } from '../commands/order-stream-reader.js';
import {
  actionOutcome,
  actionSent,
  importOrder,
  requestShip,
  shipped,
  shopChange,
  shopOrdersCreated,
  STREAM,
} from '../domain/testing/order-scenario.js';
import type { OrderCommand } from '../domain/order-commands.js';
import { FollowUpIndex } from './follow-up-index.js';

describe('FollowUpIndex', () => {
  let folder: TempSqliteFolder;
  let db: SqliteDatabase;
  let store: SqliteEventStore;
  let reader: OrderStreamReader;
  let executor: OrderCommandExecutor;
  let index: FollowUpIndex;
  let delivered: number;
  /** Writes (single statements and transactions) sent during the last delivery: the index's own. */
  let writes: number;

  beforeEach(async () => {
    folder = new TempSqliteFolder('follow-up-index');
    ({ db, store } = await folder.eventStore('engine.sqlite'));
    reader = new OrderStreamReader(store);
    executor = new OrderCommandExecutor(store, reader);
    index = new FollowUpIndex(reader, db);
    delivered = 0;
    writes = 0;
    await index.openAttempts(); // creates the tables before the counting starts
    const execute = db.execute.bind(db);
    const transaction = db.transaction.bind(db);
    db.execute = (sql, params) => (writes++, execute(sql, params));
    db.transaction = (work) => (writes++, transaction(work));
  });
  afterEach(() => folder.dispose());

  const run = async (...commands: OrderCommand[]) => {
    for (const command of commands)
      await executor.execute(command, { commandId: `c${Math.random()}`, actor: 'system' });
  };

  /** Hands the index the watched events it has not seen yet, in log order, as its consumer would. */
  async function deliver(handler = index.consumer()): Promise<RecordedEvent[]> {
    writes = 0;
    const events = (await store.readAll()).slice(delivered);
    delivered += events.length;
    const watched = events.filter((event) => handler.filter!.eventTypes!.includes(event.type));
    for (const event of watched) await handler.handle(event);
    return watched;
  }

  it('writes nothing for the events of an order that never had anything open', async () => {
    await run(importOrder(), shopOrdersCreated());
    expect((await deliver()).map((event) => event.type)).toEqual(['OrderImportPlanned', 'OrderImported']);
    expect(writes).toBe(0);
    expect(await index.openAttempts()).toEqual([]);
  });

  it('writes the attempts an action opens, and clears them once it closes', async () => {
    await run(importOrder(), shopOrdersCreated(), shopChange('chg-ship', shipped()), requestShip());
    await deliver();
    const open = await index.openAttempts();
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((row) => row.stream === STREAM && row.status === 'requested')).toBe(true);

    await run(...open.map((row) => actionSent(row.attemptKey)));
    await deliver();
    expect((await index.openAttempts()).map((row) => row.status)).toEqual(open.map(() => 'sent'));

    await run(...open.map((row) => actionOutcome(row.attemptKey, { kind: 'accepted' })));
    await deliver();
    expect(writes).toBeGreaterThan(0);
    expect(await index.openAttempts()).toEqual([]);
  });

  it('still clears the rows when the state before the event is not known', async () => {
    await run(importOrder(), shopOrdersCreated());
    // A consumer that starts cold (a restart, its cache evicted) cannot tell what the last event left open.
    const cold = new FollowUpIndex(new OrderStreamReader(store), db);
    const imported = (await store.readStream(STREAM)).find((event) => event.type === 'OrderImported')!;
    writes = 0;
    await cold.consumer().handle(imported);
    expect(writes).toBe(1);
  });
});
