import { randomBytes } from 'node:crypto';
import { PostgresDatabase } from '../../database/postgres-database.js';
import {
  checkPostgres,
  describeWithService,
  dropSchema,
  freshSchemaName,
  POSTGRES_URL,
} from '../../../test/support/services.js';
import { newEventId, prepareAppends } from '../event-ids.js';
import type { EventToAppend, StreamAppend } from '../event-store.port.js';
import { WrongExpectedRevision } from '../wrong-expected-revision.error.js';
import { appendStatement, type InsertedRow } from './append-statement.js';
import { PostgresEventStore } from './postgres-event-store.js';

/*
 * The direct append path (a plain multi-row INSERT for `no_stream` and revision-number expectations): the unique index
 * and the revision guard must give exactly the outcomes of the checked path, races included.
 */

const postgres = await checkPostgres();

describeWithService(postgres, 'PostgresEventStore direct appends', () => {
  const schema = freshSchemaName('esdirect');
  let db: PostgresDatabase;
  let store: PostgresEventStore;
  const unique = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;
  const events = (n: number, label = 'E'): EventToAppend[] =>
    Array.from({ length: n }, (_, i) => ({ id: newEventId(), type: `${label}${i}`, data: { i } }));

  beforeAll(async () => {
    db = new PostgresDatabase({ connectionString: POSTGRES_URL, schema, max: 10 });
    store = new PostgresEventStore(db, { notifyOtherProcesses: false });
    await store.init();
  });

  afterAll(async () => {
    await store.close();
    await db.close();
    await dropSchema(schema);
  });

  async function types(stream: string): Promise<string[]> {
    return (await store.readStream(stream)).map((e) => e.type);
  }

  it('takes the direct path for no_stream and revision numbers on distinct streams only', () => {
    const mode = (appends: StreamAppend[]) => appendStatement(schema, prepareAppends(appends)).mode;
    const one = (expectedRevision?: StreamAppend['expectedRevision'], stream = 's') => ({
      stream,
      events: events(2),
      expectedRevision,
    });
    expect(mode([one('no_stream')])).toBe('direct');
    expect(mode([one(4)])).toBe('direct');
    expect(mode([one('no_stream', 'a'), one(0, 'b'), one(7, 'c')])).toBe('direct');
    expect(mode([one('any')])).toBe('checked');
    expect(mode([one()])).toBe('checked');
    expect(mode([one('stream_exists')])).toBe('checked');
    expect(mode([one('no_stream', 'a'), one('any', 'b')])).toBe('checked');
    expect(mode([one('no_stream', 'a'), one(1, 'a')])).toBe('checked');
    // Very large batches send arrays rather than thousands of scalar parameters.
    expect(mode([{ stream: 'big', events: events(1001), expectedRevision: 'no_stream' }])).toBe('checked');
    const statement = appendStatement(schema, prepareAppends([one('no_stream')]));
    expect(statement.text).not.toMatch(/\[\]/);
    expect(statement.values.some((value) => Array.isArray(value))).toBe(false);
  });

  it('no_stream: ten racing writers, exactly one wins, the others see its last revision', async () => {
    for (let round = 0; round < 5; round++) {
      const stream = unique('crowd');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, (_, w) =>
          store.append(stream, events(3, `W${w}-`), { expectedRevision: 'no_stream' }),
        ),
      );
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(won[0].value.nextExpectedRevision).toBe(2);
      expect(lost).toHaveLength(9);
      for (const o of lost) {
        expect(o.reason).toBeInstanceOf(WrongExpectedRevision);
        expect(o.reason).toMatchObject({ stream, expected: 'no_stream', actual: 2 });
      }
      expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0, 1, 2]);
    }
  });

  it('revision k: inserted only if the stream is at k, whether behind, ahead or racing', async () => {
    const stream = unique('guard');
    await expect(store.append(stream, events(1), { expectedRevision: 0 })).rejects.toMatchObject({
      name: 'WrongExpectedRevision',
      expected: 0,
      actual: 'no_stream',
    });
    expect(await store.readStream(stream)).toEqual([]);
    await store.append(stream, events(2, 'A'), { expectedRevision: 'no_stream' });
    for (const stale of [0, 2, 5]) {
      await expect(store.append(stream, events(2, 'X'), { expectedRevision: stale })).rejects.toMatchObject({
        name: 'WrongExpectedRevision',
        expected: stale,
        actual: 1,
      });
    }
    expect(await store.append(stream, events(2, 'B'), { expectedRevision: 1 })).toMatchObject({
      nextExpectedRevision: 3,
    });

    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, w) => store.append(stream, events(2, `W${w}-`), { expectedRevision: 3 })),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === 'rejected') expect(o.reason).toMatchObject({ name: 'WrongExpectedRevision', actual: 5 });
    }
    expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('appendMany is all or nothing and reports the first append, in order, whose expectation fails', async () => {
    const [fresh, existing, other] = [unique('fresh'), unique('existing'), unique('other')];
    await store.append(existing, events(2, 'Old'), { expectedRevision: 'no_stream' });
    await store.append(other, events(1, 'Old'), { expectedRevision: 'no_stream' });

    // The guard of a revision-number append fails: nothing of the batch is stored.
    await expect(
      store.appendMany([
        { stream: fresh, events: events(2), expectedRevision: 'no_stream' },
        { stream: existing, events: events(1), expectedRevision: 0 },
        { stream: other, events: events(1), expectedRevision: 0 },
      ]),
    ).rejects.toMatchObject({ name: 'WrongExpectedRevision', stream: existing, expected: 0, actual: 1 });
    // The unique index refuses a no_stream append: nothing of the batch is stored either.
    await expect(
      store.appendMany([
        { stream: fresh, events: events(2), expectedRevision: 'no_stream' },
        { stream: other, events: events(1), expectedRevision: 0 },
        { stream: existing, events: events(1), expectedRevision: 'no_stream' },
      ]),
    ).rejects.toMatchObject({ name: 'WrongExpectedRevision', stream: existing, expected: 'no_stream', actual: 1 });
    expect(await store.readStream(fresh)).toEqual([]);
    expect(await types(existing)).toEqual(['Old0', 'Old1']);
    expect(await types(other)).toEqual(['Old0']);

    const results = await store.appendMany([
      { stream: fresh, events: events(2), expectedRevision: 'no_stream' },
      { stream: existing, events: events(1), expectedRevision: 1 },
      { stream: other, events: events(3), expectedRevision: 0 },
    ]);
    expect(results.map((r) => r.nextExpectedRevision)).toEqual([1, 2, 3]);
    expect(results[0].position < results[1].position && results[1].position < results[2].position).toBe(true);
    // Positions follow the order given, across and within streams.
    const all = (await store.readStream(fresh)).concat(
      (await store.readStream(existing)).slice(2),
      (await store.readStream(other)).slice(1),
    );
    expect(all.map((e) => e.position)).toEqual([...all.map((e) => e.position)].sort());
  });

  it('a retried batch returns the original results; retried and new appends mix; partial matches conflict', async () => {
    const [a, b, c] = [unique('ra'), unique('rb'), unique('rc')];
    await store.append(b, events(1), { expectedRevision: 'no_stream' });
    const batch: StreamAppend[] = [
      { stream: a, events: events(2), expectedRevision: 'no_stream' },
      { stream: b, events: events(2), expectedRevision: 0 },
    ];
    const original = await store.appendMany(batch);
    expect(await store.appendMany(batch)).toEqual(original);
    // Stale numeric expectation on the retry of the second append, plus a new append.
    const mixed = await store.appendMany([batch[1], { stream: c, events: events(1), expectedRevision: 'no_stream' }]);
    expect(mixed[0]).toEqual(original[1]);
    expect(mixed[1].nextExpectedRevision).toBe(0);
    await expect(
      store.appendMany([{ stream: a, events: [batch[0].events[0], ...events(1)], expectedRevision: 1 }]),
    ).rejects.toMatchObject({ name: 'EventIdConflict', stream: a });
    expect((await store.readStream(a)).map((e) => e.revision)).toEqual([0, 1]);
    expect((await store.readStream(b)).map((e) => e.revision)).toEqual([0, 1, 2]);
  });

  it('a direct append in an open transaction carries its transaction id and stays unread until it commits', async () => {
    const stream = unique('open');
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows: xact } = await client.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
      const appends = prepareAppends([{ stream, events: events(2), expectedRevision: 'no_stream' }]);
      const { rows } = await client.query<InsertedRow>(appendStatement(schema, appends));
      expect(rows.map((row) => row.r_xid)).toEqual([xact[0].xid, xact[0].xid]);
      expect(await store.readAll({ filter: { streamPrefixes: [stream] } })).toEqual([]);
      await client.query('COMMIT');
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
    // An idle read can still stop below transactions open elsewhere on the server: poll.
    const deadline = Date.now() + 15_000;
    while ((await store.readAll({ filter: { streamPrefixes: [stream] } })).length < 2) {
      if (Date.now() > deadline) throw new Error('committed events never became readable');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
});
