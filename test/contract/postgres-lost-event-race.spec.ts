import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { PostgresDatabase } from '../../src/database/postgres-database.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { newEventId, prepareAppends } from '../../src/event-store/event-ids.js';
import { appendStatement, type AppendRow } from '../../src/event-store/postgres/append-statement.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { checkPostgres, describeWithService, dropSchema, freshSchemaName, POSTGRES_URL } from '../support/services.js';

/*
 * The lost-event race (docs: event-sourcing-notes.md §4.1–4.2). A sequence value is taken at INSERT and becomes
 * visible at COMMIT, so a transaction can commit a lower position after a reader has moved past it. These tests build
 * that interleaving by hand to show that a naive reader loses the event, then let many writers with random commit
 * delays race a subscriber of the real adapter, which must see every committed event exactly once, in order.
 *
 * Writers run the adapter's own append statement inside transactions the test holds open.
 */

const postgres = await checkPostgres();

describeWithService(postgres, 'PostgreSQL lost-event race', () => {
  const schema = freshSchemaName('race');
  let db: PostgresDatabase;
  let store: PostgresEventStore;
  let counter = 0;
  const prefix = () => `race${randomBytes(3).toString('hex')}-${++counter}-`;

  beforeAll(async () => {
    db = new PostgresDatabase({ connectionString: POSTGRES_URL, schema, max: 16 });
    await db.init();
    // Writers in this file commit without NOTIFY (raw transactions), so subscribers learn of them by polling.
    store = new PostgresEventStore(db, { pollIntervalMs: 20 });
    await store.init();
  });

  afterAll(async () => {
    await store.close();
    await db.close();
    await dropSchema(schema);
  });

  /**
   * Appends in the client's open transaction through the adapter's statement: one event (the single-append statement)
   * or, with `twice`, two appends to the same stream in one call (the es_append function path).
   */
  async function appendIn(client: pg.PoolClient, stream: string, type: string, twice = false) {
    const appends = prepareAppends(
      Array.from({ length: twice ? 2 : 1 }, () => ({ stream, events: [{ type, data: { stream } }] })),
    );
    const { rows } = await client.query<AppendRow>(appendStatement(schema, appends));
    const last = rows[rows.length - 1];
    return {
      ids: appends.map((append) => append.events[0].id),
      id: appends[0].events[0].id,
      globalPosition: last.r_position!,
      transactionId: last.r_xid!,
    };
  }

  /** A reader that checkpoints on the sequence alone: `global_position > checkpoint`. */
  function naiveReader(streamPrefix: string, options: { respectXmin?: boolean; batchSize?: number } = {}) {
    let checkpoint = 0;
    const seen: string[] = [];
    return {
      seen,
      async poll(): Promise<string[]> {
        const { rows } = await db.pool.query<{ event_id: string; global_position: number }>(
          `SELECT event_id, global_position FROM ${schema}.es_events
            WHERE global_position > $1 AND starts_with(stream, $2)
              ${options.respectXmin ? 'AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())' : ''}
            ORDER BY ${options.respectXmin ? 'transaction_id, global_position' : 'global_position'} LIMIT $3`,
          [checkpoint, streamPrefix, options.batchSize ?? null],
        );
        for (const row of rows) {
          seen.push(row.event_id);
          checkpoint = row.global_position;
        }
        return rows.map((row) => row.event_id);
      },
    };
  }

  async function readAllOf(streamPrefix: string, maxCount?: number): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    let from: string | null = null;
    for (;;) {
      const batch = await store.readAll({ fromPosition: from, maxCount, filter: { streamPrefixes: [streamPrefix] } });
      if (batch.length === 0) return events;
      events.push(...batch);
      from = batch[batch.length - 1].position;
    }
  }

  it('a naive sequence checkpoint loses a lower position committed late; the adapter waits for it', async () => {
    const p = prefix();
    const t1 = await db.pool.connect();
    const t2 = await db.pool.connect();
    try {
      await t1.query('BEGIN');
      const slow = await appendIn(t1, `${p}slow`, 'Slow');
      await t2.query('BEGIN');
      const fast = await appendIn(t2, `${p}fast`, 'Fast');
      await t2.query('COMMIT');
      expect(slow.globalPosition).toBeLessThan(fast.globalPosition);

      const naive = naiveReader(p);
      expect(await naive.poll()).toEqual([fast.id]);
      // The adapter shows nothing yet: T1 is still running and may (and will) commit a row ordered before T2's.
      expect(await store.readAll({ filter: { streamPrefixes: [p] } })).toEqual([]);

      await t1.query('COMMIT');
      expect(await naive.poll()).toEqual([]);
      expect(naive.seen).toEqual([fast.id]); // the slow event is lost for good

      const all = await eventually(async () => {
        const events = await readAllOf(p);
        return events.length === 2 ? events : undefined;
      });
      expect(all.map((e) => e.id)).toEqual([slow.id, fast.id]);
    } finally {
      await t1.query('ROLLBACK').catch(() => undefined);
      await t2.query('ROLLBACK').catch(() => undefined);
      t1.release();
      t2.release();
    }
  });

  it('even with the xmin filter, checkpointing the sequence alone skips a row of an older transaction with a higher position', async () => {
    const p = prefix();
    const t1 = await db.pool.connect();
    const t2 = await db.pool.connect();
    try {
      // T1 gets its transaction id first but takes its sequence value last.
      await t1.query('BEGIN');
      await t1.query('SELECT pg_current_xact_id()');
      await t2.query('BEGIN');
      const young = await appendIn(t2, `${p}young`, 'Young');
      await t2.query('COMMIT');
      const old = await appendIn(t1, `${p}old`, 'Old');
      await t1.query('COMMIT');
      expect(BigInt(old.transactionId)).toBeLessThan(BigInt(young.transactionId));
      expect(old.globalPosition).toBeGreaterThan(young.globalPosition);

      // Commit order is (transaction id, position): Old, then Young. A position-only checkpoint after Old skips Young.
      const naive = naiveReader(p, { respectXmin: true, batchSize: 1 });
      await eventually(async () => ((await naive.poll()).length === 1 ? true : undefined));
      for (let i = 0; i < 3; i++) await naive.poll();
      expect(naive.seen).toEqual([old.id]);

      const all = await eventually(async () => {
        const events = await readAllOf(p, 1);
        return events.length === 2 ? events : undefined;
      });
      expect(all.map((e) => e.id)).toEqual([old.id, young.id]);
    } finally {
      await t1.query('ROLLBACK').catch(() => undefined);
      await t2.query('ROLLBACK').catch(() => undefined);
      t1.release();
      t2.release();
    }
  });

  it('many writers with random commit delays: the subscriber sees every committed event once, in order', async () => {
    const p = prefix();
    const writers = 8;
    const transactionsPerWriter = 25;
    const committed = new Set<string>();
    const rolledBack = new Set<string>();

    const controller = new AbortController();
    const received: RecordedEvent[] = [];
    const subscriber = (async () => {
      for await (const event of store.subscribe({
        from: null,
        filter: { streamPrefixes: [p] },
        batchSize: 7,
        signal: controller.signal,
      })) {
        received.push(event);
      }
    })();

    const writer = async (w: number) => {
      const client = await db.pool.connect();
      try {
        for (let i = 0; i < transactionsPerWriter; i++) {
          if (i % 5 === 4) {
            // Some appends go through the adapter itself (autocommit, with its notification).
            const id = newEventId();
            await store.append(`${p}w${w}`, [{ id, type: 'Direct', data: { w, i } }]);
            committed.add(id);
            continue;
          }
          await client.query('BEGIN');
          // Sometimes take the transaction id before the sequence value, so ids and positions disagree in order.
          if (Math.random() < 0.3)
            await client.query('SELECT pg_current_xact_id(), pg_sleep($1)', [Math.random() * 0.01]);
          const ids = (await appendIn(client, `${p}w${w}`, 'Raw', Math.random() < 0.3)).ids;
          if (Math.random() < 0.3) ids.push((await appendIn(client, `${p}w${w}`, 'Raw')).id);
          await client.query('SELECT pg_sleep($1)', [Math.random() * 0.03]);
          if (Math.random() < 0.1) {
            await client.query('ROLLBACK');
            ids.forEach((id) => rolledBack.add(id));
          } else {
            await client.query('COMMIT');
            ids.forEach((id) => committed.add(id));
          }
        }
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
      }
    };

    try {
      await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
      await eventually(async () => (received.length >= committed.size ? true : undefined), 20_000);
      // Anything extra (a duplicate, a rolled-back event) would arrive within a few polls.
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      controller.abort();
      await subscriber;
    }

    const receivedIds = received.map((e) => e.id);
    expect(new Set(receivedIds).size).toBe(receivedIds.length);
    expect(receivedIds.length).toBe(committed.size);
    expect(receivedIds.filter((id) => !committed.has(id))).toEqual([]);
    expect(receivedIds.filter((id) => rolledBack.has(id))).toEqual([]);
    expect(received.every((e, i) => i === 0 || received[i - 1].position < e.position)).toBe(true);
    // Delivered in the table's final commit order. Had the subscriber's checkpoint ever passed an event that was still
    // uncommitted, that event would be missing here (the subscriber never reads at or before its checkpoint).
    const { rows } = await db.pool.query<{ event_id: string }>(
      `SELECT event_id FROM ${schema}.es_events WHERE starts_with(stream, $1) ORDER BY transaction_id, global_position`,
      [p],
    );
    expect(receivedIds).toEqual(rows.map((row) => row.event_id));
  });
});

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
