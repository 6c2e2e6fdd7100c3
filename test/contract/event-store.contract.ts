import { randomBytes, randomUUID } from 'node:crypto';
import type {
  EventFilter,
  EventStore,
  EventToAppend,
  GlobalPosition,
  RecordedEvent,
} from '../../src/event-store/event-store.port.js';
import { EventIdConflict, InvalidEventStoreInput } from '../../src/event-store/event-ids.js';
import { WrongExpectedRevision } from '../../src/event-store/wrong-expected-revision.error.js';

export interface EventStoreUnderTest {
  store: EventStore;
  cleanup(): Promise<void>;
  /**
   * Begins a transaction in another session of the store's database and keeps it open, as a concurrent writer that
   * has not committed yet (adapters declaring `openTransactions`). It already holds its transaction id when this
   * resolves, so whatever commits after this is ordered after it.
   */
  beginTransaction?(): Promise<OpenTransaction>;
}

/** A writer transaction of another session, held open by the test. */
export interface OpenTransaction {
  /** Appends inside the transaction: nothing is committed until `commit`. */
  append(stream: string, events: EventToAppend[]): Promise<void>;
  commit(): Promise<void>;
  /** Rolls back if still open, and gives the session back. Safe to call twice. */
  release(): Promise<void>;
}

/**
 * The behaviour every EventStore adapter must show. One store serves the whole suite; every test writes to streams
 * under its own random prefix and reads the global log through a prefix filter, so tests do not see each other and an
 * adapter may run on a shared server.
 *
 * readAll may lag behind a committed append on adapters that hide events a concurrent writer could still precede
 * (PostgreSQL), so global reads that must see fresh appends poll until they do.
 */
/** What an adapter cannot promise, with the reason printed in the name of each test it skips. */
export interface EventStoreCapabilities {
  /**
   * Event ids are unique across all streams (SQLite and PostgreSQL index them). EventStoreDB has no index by event
   * id, so it cannot refuse an id reused in another stream.
   */
  globalEventIds?: boolean;
  /**
   * A fresh store from the factory starts with an empty log. Not so on EventStoreDB, where every store shares one
   * server's log.
   */
  emptyLogPerStore?: boolean;
  /**
   * Writers commit in concurrent transactions whose order readers must wait for (PostgreSQL), and the factory's
   * `beginTransaction` can hold one open. SQLite has one writer at a time; EventStoreDB has no client transactions.
   */
  openTransactions?: boolean;
}

export function eventStoreContract(
  name: string,
  factory: () => Promise<EventStoreUnderTest>,
  capabilities: EventStoreCapabilities = {},
): void {
  /** `it`, or a skip printing `reason` when the adapter cannot promise what the test checks. */
  const itIf = (holds: boolean, reason: string): jest.It =>
    holds
      ? it
      : (Object.assign((title: string, fn?: jest.ProvidesCallback) => {
          // stderr: Jest does not show console output for skipped tests.
          process.stderr.write(`SKIPPED "${title}": ${reason}\n`);
          return it.skip(`${title} [skipped: ${reason}]`, fn);
        }, it) as jest.It);
  const withGlobalIds = itIf(capabilities.globalEventIds !== false, `${name} does not index event ids across streams`);
  const withEmptyLog = itIf(capabilities.emptyLogPerStore !== false, `every ${name} store shares one log, never empty`);
  const withOpenTransactions = itIf(
    capabilities.openTransactions === true,
    `${name} has no concurrent write transactions to hold open`,
  );
  describe(`${name} event store contract`, () => {
    let store: EventStore;
    let underTest: EventStoreUnderTest;
    let cleanup: () => Promise<void> = async () => undefined;
    const run = randomBytes(4).toString('hex');
    let counter = 0;
    /** A stream name (also usable as a prefix) no other test uses. */
    const unique = (label: string) => `ct${run}-${label}-${++counter}-`;

    beforeAll(async () => {
      underTest = await factory();
      ({ store, cleanup } = underTest);
    });

    afterAll(async () => {
      await cleanup();
    });

    describe('append and expected revision', () => {
      it('no_stream creates a stream and is refused once the stream exists', async () => {
        const stream = unique('no-stream');
        const first = await store.append(stream, [event('A')], { expectedRevision: 'no_stream' });
        expect(first.nextExpectedRevision).toBe(0);
        expect(typeof first.position).toBe('string');
        const error = await store
          .append(stream, [event('B')], { expectedRevision: 'no_stream' })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevision);
        expect(error).toMatchObject({ stream, expected: 'no_stream', actual: 0, code: 'WRONG_EXPECTED_REVISION' });
        expect(await types(store, stream)).toEqual(['A']);
      });

      it('any appends whether or not the stream exists, and is the default', async () => {
        const stream = unique('any');
        expect((await store.append(stream, [event('A')], { expectedRevision: 'any' })).nextExpectedRevision).toBe(0);
        expect(
          (await store.append(stream, [event('B'), event('C')], { expectedRevision: 'any' })).nextExpectedRevision,
        ).toBe(2);
        expect((await store.append(stream, [event('D')])).nextExpectedRevision).toBe(3);
        expect(await types(store, stream)).toEqual(['A', 'B', 'C', 'D']);
      });

      it('stream_exists is refused on a missing stream and accepted on an existing one', async () => {
        const stream = unique('exists');
        const error = await store
          .append(stream, [event('A')], { expectedRevision: 'stream_exists' })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevision);
        expect(error).toMatchObject({ stream, expected: 'stream_exists', actual: 'no_stream' });
        expect(await store.readStream(stream)).toEqual([]);
        await store.append(stream, [event('A')]);
        expect(
          (await store.append(stream, [event('B')], { expectedRevision: 'stream_exists' })).nextExpectedRevision,
        ).toBe(1);
      });

      it('a revision number must equal the revision of the last event', async () => {
        const stream = unique('number');
        const missing = await store.append(stream, [event('A')], { expectedRevision: 0 }).catch((e: unknown) => e);
        expect(missing).toMatchObject({ name: 'WrongExpectedRevision', expected: 0, actual: 'no_stream' });
        await store.append(stream, [event('A'), event('B'), event('C')], { expectedRevision: 'no_stream' });
        expect((await store.append(stream, [event('D')], { expectedRevision: 2 })).nextExpectedRevision).toBe(3);
        for (const stale of [2, 0, 4]) {
          const error = await store.append(stream, [event('X')], { expectedRevision: stale }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(WrongExpectedRevision);
          expect(error).toMatchObject({ stream, expected: stale, actual: 3 });
        }
        expect(await types(store, stream)).toEqual(['A', 'B', 'C', 'D']);
      });

      it('positions grow with every append', async () => {
        const a = await store.append(unique('pos'), [event('A')]);
        const b = await store.append(unique('pos'), [event('B'), event('C')]);
        const c = await store.append(unique('pos'), [event('D')]);
        expect(a.position < b.position && b.position < c.position).toBe(true);
      });

      it('two concurrent writers expecting the same revision: exactly one wins', async () => {
        for (let round = 0; round < 5; round++) {
          const stream = unique('race');
          await store.append(stream, [event('Start')], { expectedRevision: 'no_stream' });
          const outcomes = await Promise.allSettled(
            ['Left', 'Right'].map((type) => store.append(stream, [event(type)], { expectedRevision: 0 })),
          );
          const won = outcomes.filter((o) => o.status === 'fulfilled');
          const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
          expect(won).toHaveLength(1);
          expect(lost).toHaveLength(1);
          expect(lost[0].reason).toBeInstanceOf(WrongExpectedRevision);
          expect(lost[0].reason).toMatchObject({ expected: 0, actual: 1 });
          expect(await store.readStream(stream)).toHaveLength(2);
        }
      });

      it('many concurrent writers, with no_stream or a revision: exactly one wins each time', async () => {
        for (let round = 0; round < 10; round++) {
          const stream = unique('crowd');
          const expectedRevision = round % 2 ? 'no_stream' : 0;
          if (expectedRevision === 0) await store.append(stream, [event('Start')]);
          const outcomes = await Promise.allSettled(
            Array.from({ length: 6 }, (_, i) => store.append(stream, [event(`W${i}`)], { expectedRevision })),
          );
          expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
          for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(WrongExpectedRevision);
          expect(await store.readStream(stream)).toHaveLength(expectedRevision === 0 ? 2 : 1);
        }
      });

      it('concurrent writers with expected revision any all succeed, each event once', async () => {
        const stream = unique('any-race');
        await Promise.all(Array.from({ length: 8 }, (_, i) => store.append(stream, [event(`W${i}`), event(`W${i}b`)])));
        const events = await store.readStream(stream);
        expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 16 }, (_, i) => i));
        expect(new Set(events.map((e) => e.id)).size).toBe(16);
      });
    });

    describe('idempotent append by event id', () => {
      it('re-appending the same ids is a no-op that returns the original result, even with a stale revision', async () => {
        const stream = unique('idem');
        await store.append(stream, [event('A'), event('B')], { expectedRevision: 'no_stream' });
        const retried = [event('C'), event('D')];
        const original = await store.append(stream, retried, { expectedRevision: 1 });
        expect(original.nextExpectedRevision).toBe(3);
        // Same call again: expected revision 1 is now stale because of the first attempt itself.
        expect(await store.append(stream, retried, { expectedRevision: 1 })).toEqual(original);
        expect(await store.append(stream, retried, { expectedRevision: 'any' })).toEqual(original);
        expect(await store.append(stream, retried)).toEqual(original);
        await store.append(stream, [event('E')], { expectedRevision: 3 });
        expect(await store.append(stream, retried, { expectedRevision: 1 })).toEqual(original);
        expect(await store.appendMany([{ stream, events: retried, expectedRevision: 1 }])).toEqual([original]);
        expect(await types(store, stream)).toEqual(['A', 'B', 'C', 'D', 'E']);
      });

      it('a retried first append with no_stream returns the original result', async () => {
        const stream = unique('idem-new');
        const events = [event('A')];
        const original = await store.append(stream, events, { expectedRevision: 'no_stream' });
        expect(await store.append(stream, events, { expectedRevision: 'no_stream' })).toEqual(original);
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it('ids are matched case-insensitively', async () => {
        const stream = unique('idem-case');
        const id = randomUUID();
        const original = await store.append(stream, [{ ...event('A'), id }]);
        expect(await store.append(stream, [{ ...event('A'), id: id.toUpperCase() }])).toEqual(original);
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it('a partial id match is refused with EventIdConflict and stores nothing', async () => {
        const stream = unique('partial');
        const [a, b] = [event('A'), event('B')];
        await store.append(stream, [a, b]);
        for (const attempt of [
          [b, event('C')],
          [event('C'), a],
        ]) {
          const error = await store.append(stream, attempt).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(EventIdConflict);
          expect(error).toMatchObject({ code: 'EVENT_ID_CONFLICT', stream });
        }
        expect(await types(store, stream)).toEqual(['A', 'B']);
      });

      withGlobalIds('ids already stored in another stream are refused with EventIdConflict', async () => {
        const first = unique('owner');
        const second = unique('thief');
        const a = event('A');
        await store.append(first, [a]);
        await expect(store.append(second, [a])).rejects.toBeInstanceOf(EventIdConflict);
        expect(await store.readStream(second)).toEqual([]);
      });

      it('the same id twice in one append is invalid input', async () => {
        const stream = unique('dup');
        const a = event('A');
        await expect(store.append(stream, [a, { ...a, type: 'B' }])).rejects.toBeInstanceOf(InvalidEventStoreInput);
        expect(await store.readStream(stream)).toEqual([]);
      });
    });

    describe('atomicity and bad input', () => {
      withGlobalIds('an append failing on its last event stores none of its events', async () => {
        const other = unique('taken');
        const taken = event('Taken');
        await store.append(other, [taken]);
        const stream = unique('atomic');
        await expect(store.append(stream, [event('A'), event('B'), { ...taken, type: 'C' }])).rejects.toBeInstanceOf(
          EventIdConflict,
        );
        expect(await store.readStream(stream)).toEqual([]);
      });

      it('appendMany is all or nothing across streams', async () => {
        const fresh = unique('many-ok');
        const existing = unique('many-bad');
        await store.append(existing, [event('A')]);
        const error = await store
          .appendMany([
            { stream: fresh, events: [event('A')], expectedRevision: 'no_stream' },
            { stream: existing, events: [event('B')], expectedRevision: 'no_stream' },
          ])
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevision);
        expect(error).toMatchObject({ stream: existing, actual: 0 });
        expect(await store.readStream(fresh)).toEqual([]);
        expect(await store.readStream(existing)).toHaveLength(1);
      });

      it('appendMany of nothing does nothing', async () => {
        expect(await store.appendMany([])).toEqual([]);
      });

      it('appendMany returns one result per append, in order', async () => {
        const [s1, s2] = [unique('many'), unique('many')];
        await store.append(s2, [event('Old')]);
        const results = await store.appendMany([
          { stream: s1, events: [event('A'), event('B')], expectedRevision: 'no_stream' },
          { stream: s2, events: [event('C')], expectedRevision: 0 },
        ]);
        expect(results.map((r) => r.nextExpectedRevision)).toEqual([1, 1]);
        expect(results[0].position < results[1].position).toBe(true);
        expect(await types(store, s1)).toEqual(['A', 'B']);
        expect(await types(store, s2)).toEqual(['Old', 'C']);
      });

      it('refuses malformed input with InvalidEventStoreInput and stores nothing', async () => {
        const stream = unique('invalid');
        const bad: Array<() => Promise<unknown>> = [
          () => store.append(stream, []),
          () => store.append(stream, [{ ...event('A'), id: 'not-a-uuid' }]),
          () => store.append(stream, [{ type: 'A', data: { n: 1n } as unknown as Record<string, unknown> }]),
          () => store.append(stream, [{ type: 'A', data: [] as unknown as Record<string, unknown> }]),
          () => store.append(stream, [{ type: '', data: {} }]),
          () => store.append('', [event('A')]),
          () => store.append(stream, [event('A')], { expectedRevision: -1 }),
          () => store.append(stream, [event('A')], { expectedRevision: 'sometimes' as unknown as 'any' }),
          () => store.readStream(stream, { maxCount: -1 }),
          () => store.readAll({ fromPosition: 'not-a-position' }),
        ];
        for (const attempt of bad) await expect(attempt()).rejects.toBeInstanceOf(InvalidEventStoreInput);
        expect(await store.readStream(stream)).toEqual([]);
      });
    });

    describe('reading a stream', () => {
      it('a missing stream reads as empty, in both directions', async () => {
        expect(await store.readStream(unique('missing'))).toEqual([]);
        expect(await store.readStream(unique('missing'), { direction: 'backwards' })).toEqual([]);
      });

      it('reads forwards and backwards, from a revision, up to a count', async () => {
        const stream = unique('read');
        await store.append(
          stream,
          ['E0', 'E1', 'E2', 'E3', 'E4'].map((type) => event(type)),
        );
        expect(await types(store, stream)).toEqual(['E0', 'E1', 'E2', 'E3', 'E4']);
        const revisions = async (options: Parameters<EventStore['readStream']>[1]) =>
          (await store.readStream(stream, options)).map((e) => e.revision);
        expect(await revisions({ fromRevision: 2 })).toEqual([2, 3, 4]);
        expect(await revisions({ fromRevision: 1, maxCount: 2 })).toEqual([1, 2]);
        expect(await revisions({ maxCount: 1 })).toEqual([0]);
        expect(await revisions({ direction: 'backwards' })).toEqual([4, 3, 2, 1, 0]);
        expect(await revisions({ direction: 'backwards', maxCount: 2 })).toEqual([4, 3]);
        expect(await revisions({ direction: 'backwards', fromRevision: 2 })).toEqual([2, 1, 0]);
        expect(await revisions({ direction: 'backwards', fromRevision: 3, maxCount: 2 })).toEqual([3, 2]);
        expect(await revisions({ fromRevision: 5 })).toEqual([]);
        expect(await revisions({ direction: 'backwards', fromRevision: 99 })).toEqual([4, 3, 2, 1, 0]);
      });

      it('recorded events carry id, stream, 0-based revision, string position, type, data, metadata and time', async () => {
        const stream = unique('shape');
        const id = randomUUID();
        const before = Date.now();
        const result = await store.append(stream, [
          { id, type: 'OrderImported', data: { amount: 12.5, lines: [1, 2] } },
        ]);
        const [recorded] = await store.readStream(stream);
        expect(recorded).toEqual({
          id,
          stream,
          revision: 0,
          position: result.position,
          type: 'OrderImported',
          data: { amount: 12.5, lines: [1, 2] },
          metadata: {},
          recordedAt: expect.any(String),
        });
        expect(typeof recorded.revision).toBe('number');
        expect(recorded.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
        const at = Date.parse(recorded.recordedAt);
        expect(at).toBeGreaterThanOrEqual(before - 5000);
        expect(at).toBeLessThanOrEqual(Date.now() + 5000);
      });

      it('holds a 10 000-event stream and pages through it', async () => {
        const stream = unique('long');
        for (let chunk = 0; chunk < 10; chunk++) {
          const events = Array.from({ length: 1000 }, (_, i) => event('Tick', { n: chunk * 1000 + i }));
          const result = await store.append(stream, events, {
            expectedRevision: chunk === 0 ? 'no_stream' : chunk * 1000 - 1,
          });
          expect(result.nextExpectedRevision).toBe(chunk * 1000 + 999);
        }
        const all = await store.readStream(stream);
        expect(all).toHaveLength(10_000);
        expect(all.every((e, i) => e.revision === i && e.data.n === i)).toBe(true);
        expect(all.every((e, i) => i === 0 || all[i - 1].position < e.position)).toBe(true);
        expect((await store.readStream(stream, { fromRevision: 5000, maxCount: 3 })).map((e) => e.data.n)).toEqual([
          5000, 5001, 5002,
        ]);
        expect(
          (await store.readStream(stream, { direction: 'backwards', maxCount: 2 })).map((e) => e.revision),
        ).toEqual([9999, 9998]);
      });

      it('round-trips a 1 MB payload', async () => {
        const stream = unique('big');
        const blob = Array.from({ length: 1_000_000 }, (_, i) => String.fromCharCode(33 + (i % 90)))
          .join('')
          .replace(/[\\"]/g, '.');
        await store.append(stream, [event('Big', { blob })]);
        const [recorded] = await store.readStream(stream);
        expect((recorded.data.blob as string).length).toBe(1_000_000);
        expect(recorded.data.blob === blob).toBe(true);
      });

      it('round-trips unicode (emoji, CJK, RTL, combining marks, NUL) in names, data and metadata', async () => {
        const stream = unique('unicode') + '注文-🚚-طلب';
        const text = 'Commande 👩‍👩‍👧‍👦🚚 注文番号 주문 طلب رقم ١٢٣ הזמנה e\u0301 \u0000 end';
        const data = { text, [text]: [text, { nested: text }] };
        const metadata = { correlationId: 'corr-🚚', actor: 'operator:Zoë 李', note: text };
        await store.append(stream, [{ id: randomUUID(), type: 'Bestellung✓', data, metadata }]);
        const [recorded] = await store.readStream(stream);
        expect(recorded.stream).toBe(stream);
        expect(recorded.type).toBe('Bestellung✓');
        expect(recorded.data).toEqual(data);
        expect(recorded.metadata).toEqual(metadata);
      });

      it('round-trips metadata: correlation, causation, actor and free keys', async () => {
        const stream = unique('meta');
        const metadata = {
          correlationId: randomUUID(),
          causationId: randomUUID(),
          actor: 'api-key:42',
          lengowOrderId: 'AMZ-123',
          retry: { attempt: 2, of: 5 },
          flags: [true, false, null],
        };
        await store.append(stream, [{ ...event('WithMeta'), metadata }, event('WithoutMeta')]);
        const [withMeta, withoutMeta] = await store.readStream(stream);
        expect(withMeta.metadata).toEqual(metadata);
        expect(withoutMeta.metadata).toEqual({});
      });
    });

    describe('reading all events', () => {
      it('returns events of all streams in global commit order, from an exclusive position, up to a count', async () => {
        const prefix = unique('all');
        const [s1, s2] = [`${prefix}one`, `${prefix}two`];
        await store.append(s1, [event('A1')]);
        await store.append(s2, [event('B1'), event('B2')]);
        await store.appendMany([
          { stream: s1, events: [event('A2')] },
          { stream: s2, events: [event('B3')] },
        ]);
        await store.append(s1, [event('A3')]);
        const filter = { streamPrefixes: [prefix] };
        const all = await readAllUntil(store, filter, 6);
        expect(all.map((e) => e.type)).toEqual(['A1', 'B1', 'B2', 'A2', 'B3', 'A3']);
        expect(all.every((e, i) => i === 0 || all[i - 1].position < e.position)).toBe(true);
        const after = await store.readAll({ fromPosition: all[1].position, filter });
        expect(after.map((e) => e.type)).toEqual(['B2', 'A2', 'B3', 'A3']);
        expect(
          (await store.readAll({ fromPosition: all[1].position, maxCount: 2, filter })).map((e) => e.type),
        ).toEqual(['B2', 'A2']);
        expect(await store.readAll({ fromPosition: all[5].position, filter })).toEqual([]);
        expect(await store.readAll({ maxCount: 0, filter })).toEqual([]);
      });

      it('filters by stream prefixes and event types', async () => {
        const prefix = unique('filter');
        await store.append(`${prefix}order-1`, [event('Imported'), event('Shipped')]);
        await store.append(`${prefix}settings-1`, [event('Imported')]);
        await store.append(`${prefix}order-2`, [event('Cancelled')]);
        await readAllUntil(store, { streamPrefixes: [prefix] }, 4);
        const read = async (filter: EventFilter) =>
          (await store.readAll({ filter })).map((e) => `${e.stream.slice(prefix.length)}:${e.type}`);
        expect(await read({ streamPrefixes: [`${prefix}order-`] })).toEqual([
          'order-1:Imported',
          'order-1:Shipped',
          'order-2:Cancelled',
        ]);
        expect(await read({ streamPrefixes: [`${prefix}order-2`, `${prefix}settings-`] })).toEqual([
          'settings-1:Imported',
          'order-2:Cancelled',
        ]);
        expect(await read({ streamPrefixes: [prefix], eventTypes: ['Imported', 'Cancelled'] })).toEqual([
          'order-1:Imported',
          'settings-1:Imported',
          'order-2:Cancelled',
        ]);
        expect(await read({ streamPrefixes: [`${prefix}order-`], eventTypes: ['Imported'] })).toEqual([
          'order-1:Imported',
        ]);
        // Prefixes are literal: LIKE / GLOB wildcards in them match nothing special.
        expect(await read({ streamPrefixes: [`${prefix}order_`, `${prefix}%`, `${prefix}*`] })).toEqual([]);
      });
    });

    describe('head position', () => {
      withEmptyLog('is null on an empty log, then the position of the first event', async () => {
        const fresh = await factory();
        try {
          expect(await fresh.store.readAll()).toEqual([]);
          expect(await fresh.store.headPosition()).toBeNull();
          const { position } = await fresh.store.append(unique('first'), [event('A')]);
          const head = await headReaching(fresh.store, position);
          expect(head).toBe(position);
          expect((await fresh.store.readAll()).map((e) => e.position)).toEqual([position]);
        } finally {
          await fresh.cleanup();
        }
      });

      it('is the position of the last event readAll returns, the last of a multi-event append included', async () => {
        const stream = unique('head');
        const first = await store.append(stream, [event('A')]);
        const last = await store.append(stream, [event('B'), event('C'), event('D')]);
        // On PostgreSQL the head, like readAll, waits for transactions still running anywhere in the database.
        const head = await headReaching(store, last.position);
        expect(head).toBe(last.position);
        // Nothing else writes to the suite's store while a test runs: readAll from the start would end here.
        const tail = await store.readAll({ fromPosition: first.position });
        expect(tail.map((e) => e.type)).toEqual(['B', 'C', 'D']);
        expect(tail.at(-1)!.position).toBe(head);
        expect(await store.readAll({ fromPosition: head })).toEqual([]);
        expect(await store.headPosition()).toBe(head);
      });

      withOpenTransactions('does not move past what readAll returns while a writer transaction is open', async () => {
        const prefix = unique('open');
        const filter = { streamPrefixes: [prefix] };
        const before = await store.append(`${prefix}before`, [event('Before')]);
        expect(await headReaching(store, before.position)).toBe(before.position);
        const open = await underTest.beginTransaction!();
        try {
          // Committed after the open transaction began: ordered after it, so readAll holds it back until it ends.
          const committed = await store.append(`${prefix}committed`, [event('Committed')]);
          // The open transaction takes its sequence value last: the higher value, in the earlier transaction.
          await open.append(`${prefix}open`, [event('Pending')]);
          expect(await store.readAll({ fromPosition: before.position })).toEqual([]);
          const held = await store.headPosition();
          expect(held).toBe(before.position);
          expect(held! < committed.position).toBe(true);

          await open.commit();
          const all = await readAllUntil(store, filter, 3);
          expect(all.map((e) => e.type)).toEqual(['Before', 'Pending', 'Committed']);
          // Commit order, not sequence order: the head is the committed event, not the later sequence value.
          const head = await store.headPosition();
          expect(head).toBe(committed.position);
          expect(head).toBe(all.at(-1)!.position);
          expect(await store.readAll({ fromPosition: head })).toEqual([]);
        } finally {
          await open.release();
        }
      });
    });

    describe('subscribe', () => {
      it('catches up from the beginning, then delivers live appends', async () => {
        const prefix = unique('sub');
        await store.append(`${prefix}a`, [event('E1'), event('E2')]);
        await store.append(`${prefix}b`, [event('E3')]);
        const controller = new AbortController();
        const received: RecordedEvent[] = [];
        const done = (async () => {
          for await (const e of store.subscribe({
            from: null,
            filter: { streamPrefixes: [prefix] },
            batchSize: 2,
            signal: controller.signal,
          })) {
            received.push(e);
            if (received.length === 6) break;
          }
        })();
        await until(() => received.length === 3, 'catch-up');
        await store.append(`${prefix}a`, [event('E4')]);
        await store.appendMany([{ stream: `${prefix}c`, events: [event('E5'), event('E6')] }]);
        try {
          await withTimeout(done, 15_000, 'live events');
        } finally {
          controller.abort();
        }
        expect(received.map((e) => e.type)).toEqual(['E1', 'E2', 'E3', 'E4', 'E5', 'E6']);
        expect(received.every((e, i) => i === 0 || received[i - 1].position < e.position)).toBe(true);
      });

      it('resumes from a stored checkpoint: nothing missed, nothing repeated', async () => {
        const prefix = unique('resume');
        const filter = { streamPrefixes: [prefix] };
        for (let i = 0; i < 10; i++) await store.append(`${prefix}${i % 3}`, [event(`E${i}`)]);
        const firstRun = await take(store, null, filter, 4, 3);
        const checkpoint = firstRun[firstRun.length - 1].position;
        for (let i = 10; i < 15; i++) await store.append(`${prefix}${i % 3}`, [event(`E${i}`)]);
        const secondRun = await take(store, checkpoint, filter, 11, 4);
        const seen = [...firstRun, ...secondRun].map((e) => e.type);
        expect(seen).toEqual(Array.from({ length: 15 }, (_, i) => `E${i}`));
        expect(new Set([...firstRun, ...secondRun].map((e) => e.id)).size).toBe(15);
      });

      it('delivers only events matching its filter', async () => {
        const prefix = unique('subfilter');
        await store.append(`${prefix}x`, [event('Keep'), event('Drop'), event('Keep')]);
        await store.append(`${prefix}y`, [event('Drop'), event('Keep')]);
        const got = await take(store, null, { streamPrefixes: [prefix], eventTypes: ['Keep'] }, 3, 10);
        expect(got.map((e) => `${e.stream.slice(prefix.length)}:${e.type}`)).toEqual(['x:Keep', 'x:Keep', 'y:Keep']);
      });

      it('ends when its signal aborts while waiting for events', async () => {
        const controller = new AbortController();
        const received: RecordedEvent[] = [];
        const done = (async () => {
          for await (const e of store.subscribe({
            from: null,
            filter: { streamPrefixes: [unique('quiet')] },
            signal: controller.signal,
          })) {
            received.push(e);
          }
        })();
        await new Promise((resolve) => setTimeout(resolve, 100));
        controller.abort();
        await withTimeout(done, 5000, 'subscription end after abort');
        expect(received).toEqual([]);
      });
    });
  });
}

let sequence = 0;

function event(type: string, data: Record<string, unknown> = {}): EventToAppend {
  return { id: randomUUID(), type, data: { ...data, seq: ++sequence } };
}

async function types(store: EventStore, stream: string): Promise<string[]> {
  return (await store.readStream(stream)).map((e) => e.type);
}

/** Reads the filtered global log until it holds at least `count` events (see the note on readAll lag above). */
async function readAllUntil(store: EventStore, filter: EventFilter, count: number): Promise<RecordedEvent[]> {
  let events: RecordedEvent[] = [];
  await until(
    async () => (events = await store.readAll({ filter })).length >= count,
    `readAll to show ${count} events`,
  );
  return events;
}

/**
 * The head once it has reached `position` (an event just appended): on PostgreSQL it stays below transactions still
 * running anywhere in the database, as readAll does (see the note on readAll lag above).
 */
async function headReaching(store: EventStore, position: GlobalPosition): Promise<GlobalPosition | null> {
  let head: GlobalPosition | null = null;
  await until(
    async () => (head = await store.headPosition()) !== null && head >= position,
    `the head to reach ${position}`,
  );
  return head;
}

/** Subscribes from `from` and takes exactly `count` events, then leaves the loop (as a consumer stopping mid-stream). */
async function take(
  store: EventStore,
  from: GlobalPosition | null,
  filter: EventFilter,
  count: number,
  batchSize: number,
): Promise<RecordedEvent[]> {
  const controller = new AbortController();
  const got: RecordedEvent[] = [];
  const consume = (async () => {
    for await (const e of store.subscribe({ from, filter, batchSize, signal: controller.signal })) {
      got.push(e);
      if (got.length === count) break;
    }
  })();
  try {
    await withTimeout(consume, 15_000, `${count} events from the subscription (got ${got.length})`);
  } finally {
    controller.abort();
  }
  return got;
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
