import type { RecordedEvent } from '../event-store.port.js';
import { SqliteEventStore } from './sqlite-event-store.js';
import { TempSqliteFolder } from './testing/temp-sqlite-folder.js';

/* SQLite-specific behaviour beyond the shared contract: the shared connection, another process on the same file. */

describe('SqliteEventStore', () => {
  let folder: TempSqliteFolder;
  /** A connection to a file of the test's folder (the same name: the same file, as another process would open it). */
  const open = (name = 'events.db') => folder.database(name);

  beforeEach(() => {
    folder = new TempSqliteFolder('es-sqlite');
  });

  afterEach(() => folder.dispose());

  it('creates its schema idempotently; two stores on one file see the same log', async () => {
    const db = open();
    const first = new SqliteEventStore(db);
    const second = new SqliteEventStore(db);
    await Promise.all([first.init(), second.init()]);
    await first.append('s', [{ type: 'A', data: {} }]);
    const reopened = new SqliteEventStore(open());
    expect((await reopened.readStream('s')).map((e) => e.type)).toEqual(['A']);
    expect(await second.health()).toMatchObject({
      ok: true,
      adapter: 'sqlite',
      details: { lastPosition: '0000000000000000001' },
    });
  });

  it('waits for a read-model transaction on the shared connection and is not rolled back with it', async () => {
    const db = open();
    const store = new SqliteEventStore(db);
    await store.init();
    await db.execute('CREATE TABLE read_model (n INTEGER)');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let appended = false;
    const transaction = db.transaction(async (tx) => {
      await tx.execute('INSERT INTO read_model VALUES (1)');
      await held;
      throw new Error('read model failed');
    });
    const append = store.append('s', [{ type: 'A', data: {} }]).then(() => (appended = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(appended).toBe(false);
    release();
    await expect(transaction).rejects.toThrow('read model failed');
    await append;
    expect(await db.query('SELECT count(*) AS n FROM read_model')).toEqual([{ n: 0 }]);
    expect(await store.readStream('s')).toHaveLength(1);
  });

  it('a subscriber notices appends made through another connection (another process) by polling', async () => {
    const file = 'shared.db';
    const mine = new SqliteEventStore(open(file), { pollIntervalMs: 25 });
    const theirs = new SqliteEventStore(open(file));
    await mine.init();
    await theirs.init();
    const controller = new AbortController();
    const got: RecordedEvent[] = [];
    const done = (async () => {
      for await (const e of mine.subscribe({ from: null, signal: controller.signal })) {
        got.push(e);
        if (got.length === 2) break;
      }
    })();
    await theirs.append('elsewhere', [
      { type: 'A', data: {} },
      { type: 'B', data: {} },
    ]);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        done,
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('not woken')), 5000))),
      ]);
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    expect(got.map((e) => e.type)).toEqual(['A', 'B']);
  });

  it('replays a large log in order through readAll pages', async () => {
    const store = new SqliteEventStore(open());
    const appends = Array.from({ length: 200 }, (_, s) => ({
      stream: `order-${s}`,
      events: Array.from({ length: 25 }, (_, i) => ({ type: 'Line', data: { s, i } })),
    }));
    await store.appendMany(appends);
    let from: string | null = null;
    let count = 0;
    let previous = '';
    for (;;) {
      const page: RecordedEvent[] = await store.readAll({ fromPosition: from, maxCount: 1000 });
      if (page.length === 0) break;
      for (const e of page) {
        expect(e.position > previous).toBe(true);
        previous = e.position;
      }
      count += page.length;
      from = page[page.length - 1].position;
    }
    expect(count).toBe(5000);
  });

  it('decodes an event once for all its readers, hands it out frozen, forgets old ones, and keeps no replay', async () => {
    const db = open();
    const store = new SqliteEventStore(db);
    await store.init();
    // Written by another store on the connection: this one has to decode it.
    await new SqliteEventStore(db).append('order-1', [
      { type: 'OrderImported', data: { lines: [{ sku: 'A', qty: 1 }] } },
    ]);
    const [first] = await store.readAll();
    const [again] = await store.readAll();
    const [fromStream] = await store.readStream('order-1');
    expect(again).toBe(first);
    expect(fromStream).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => {
      (first.data as { lines: { qty: number }[] }).lines[0].qty = 2;
    }).toThrow(TypeError);
    expect((await store.readAll())[0].data).toEqual({ lines: [{ sku: 'A', qty: 1 }] });

    for (let i = 0; i < 41; i++)
      await store.append(
        `order-${i + 2}`,
        Array.from({ length: 100 }, (_, n) => ({ type: 'Filler', data: { n } })),
      );
    // The newest appends are kept as appended; past the capacity the oldest entries are decoded afresh: equal, no
    // longer the same object.
    const [reread] = await store.readAll({ maxCount: 1 });
    expect(reread).not.toBe(first);
    expect(reread).toEqual(first);
    const newest = (await store.readStream('order-42')).at(-1)!;
    expect((await store.readStream('order-42')).at(-1)).toBe(newest);
    expect(Object.isFrozen(newest)).toBe(true);

    // A long read from SQLite (a replay, a catch-up) is decoded for its reader alone: nothing kept, nothing pushed out.
    const replayed = await store.readAll({ maxCount: 1000 });
    expect(replayed).toHaveLength(1000);
    expect(Object.isFrozen(replayed[500])).toBe(false);
    expect((await store.readAll({ maxCount: 1000 }))[500]).not.toBe(replayed[500]);
    expect((await store.readStream('order-42')).at(-1)).toBe(newest);
  });

  it('hands readers an appended event as its appender built it when JSON would give it back unchanged', async () => {
    const store = new SqliteEventStore(open());
    await store.init();
    const data = { lines: [{ sku: 'A', qty: 1, price: 12.5 }], note: null, gift: false };
    const metadata = { actor: 'system', correlationId: 'c-1' };
    await store.append('order-1', [{ type: 'OrderImported', data, metadata }]);
    const [read] = await store.readAll();
    expect(read.data).toBe(data);
    expect(read.metadata).toBe(metadata);
    // Frozen like any shared event: the appender can no longer change what readers see.
    expect(Object.isFrozen(data.lines[0])).toBe(true);
    expect(() => {
      data.lines[0].qty = 2;
    }).toThrow(TypeError);
    // What a reader on another connection parses from the row is the same value.
    const [fromRow] = await new SqliteEventStore(open()).readAll();
    expect(fromRow.data).not.toBe(data);
    expect(fromRow).toStrictEqual(read);
  });

  it.each([
    ['an undefined field', { a: 1, b: undefined }],
    ['a Date', { at: new Date('2026-01-02T03:04:05Z') }],
    ['negative zero', { n: -0 }],
    ['an array hole', { list: [1, , 3] }],
    [
      'a class instance',
      {
        value: new (class Money {
          cents = 5;
        })(),
      },
    ],
  ])('parses an appended event back from its row when its data holds %s', async (_, data) => {
    const store = new SqliteEventStore(open());
    await store.init();
    await store.append('order-1', [{ type: 'T', data: data as Record<string, unknown> }]);
    const [read] = await store.readAll();
    expect(read.data).not.toBe(data);
    expect(read.data).toStrictEqual(JSON.parse(JSON.stringify(data)));
    expect(Object.isFrozen(data)).toBe(false);
  });

  it('with shareDecodedEvents off, decodes every read afresh for its reader and keeps nothing', async () => {
    const store = new SqliteEventStore(open(), { shareDecodedEvents: false });
    await store.init();
    await store.append('order-1', [{ type: 'OrderImported', data: { lines: [{ sku: 'A', qty: 1 }] } }]);
    const [first] = await store.readAll();
    const [again] = await store.readAll();
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    expect(Object.isFrozen(first)).toBe(false);
  });

  it('serves the events it just committed from memory, without waiting for the connection', async () => {
    const db = open();
    const store = new SqliteEventStore(db);
    await store.init();
    await store.append('order-1', [{ type: 'A', data: { n: 1 } }]);
    await store.append('order-2', [{ type: 'B', data: { n: 2 } }]);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = db.transaction(async () => held);
    await new Promise((resolve) => setTimeout(resolve, 10));
    // The connection is busy (a read from SQLite would wait for it); the committed tail fills the whole page anyway.
    const recent = await Promise.race([
      store.readAll({ fromPosition: '0000000000000000001', maxCount: 1 }),
      new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 500)),
    ]);
    release();
    await transaction;
    expect(recent).not.toBe('waited');
    expect((recent as RecordedEvent[]).map((e) => [e.type, e.data])).toEqual([['B', { n: 2 }]]);
  });

  it('never hides events another connection appended between its own, nor shows a rolled-back append', async () => {
    const file = 'shared.db';
    const mineDb = open(file);
    const mine = new SqliteEventStore(mineDb);
    const theirs = new SqliteEventStore(open(file));
    await mine.init();
    await theirs.init();
    await mine.append('order-1', [{ type: 'Mine', data: {} }]);
    await theirs.append('order-2', [{ type: 'Theirs', data: {} }]);
    await mine.append('order-3', [{ type: 'Mine', data: {} }]);
    // A failing append rolls back alone inside its group; readers must never see it.
    await expect(mine.append('order-3', [{ type: 'Lost', data: {} }], { expectedRevision: 5 })).rejects.toThrow();
    await theirs.append('order-4', [{ type: 'Theirs', data: {} }]);
    const types = async (from: string | null, filter?: { eventTypes: string[] }) =>
      (await mine.readAll({ fromPosition: from, filter })).map((e) => `${e.position.slice(-1)}:${e.type}`);
    expect(await types(null)).toEqual(['1:Mine', '2:Theirs', '3:Mine', '4:Theirs']);
    expect(await types('0000000000000000001')).toEqual(['2:Theirs', '3:Mine', '4:Theirs']);
    // Served from memory up to its own last event, then from SQLite for what came after.
    expect(await types('0000000000000000002')).toEqual(['3:Mine', '4:Theirs']);
    expect(await types('0000000000000000003')).toEqual(['4:Theirs']);
    expect(await types('0000000000000000000', { eventTypes: ['Theirs'] })).toEqual(['2:Theirs', '4:Theirs']);
  });

  it('reads the newest events of a stream it wrote from memory, and what another connection wrote from SQLite', async () => {
    const file = 'heads.db';
    const mineDb = open(file);
    const mine = new SqliteEventStore(mineDb);
    const alsoMine = new SqliteEventStore(mineDb);
    const theirs = new SqliteEventStore(open(file));
    await Promise.all([mine.init(), alsoMine.init(), theirs.init()]);
    await mine.append('order-1', [{ type: 'A', data: {} }]);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = mineDb.transaction(async () => held);
    await new Promise((resolve) => setTimeout(resolve, 10));
    // The connection is busy; the stream's head is known all the same.
    const whileBusy = await Promise.race([
      mine.readStream('order-1', { fromRevision: 1 }),
      new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 500)),
    ]);
    release();
    await transaction;
    expect(whileBusy).toEqual([]);

    // Another store on the same connection: its append is known too.
    await alsoMine.append('order-1', [{ type: 'B', data: {} }]);
    expect((await mine.readStream('order-1', { fromRevision: 1 })).map((e) => e.type)).toEqual(['B']);
    // Another connection: its commit moves data_version, and the stream is read from SQLite again.
    await theirs.append('order-1', [{ type: 'C', data: {} }]);
    expect((await mine.readStream('order-1', { fromRevision: 2 })).map((e) => e.type)).toEqual(['C']);
    expect((await mine.readStream('order-1')).map((e) => e.type)).toEqual(['A', 'B', 'C']);
    await mine.append('order-1', [{ type: 'D', data: {} }]);
    expect((await mine.readStream('order-1', { fromRevision: 2 })).map((e) => e.type)).toEqual(['C', 'D']);
  });

  it('ends live subscriptions when the store closes', async () => {
    const store = new SqliteEventStore(open());
    const iterator = store.subscribe({ from: null })[Symbol.asyncIterator]();
    const next = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await store.close();
    expect((await next).done).toBe(true);
  });
});
