import pg from 'pg';
import { PostgresDatabase } from '../../dist/database/postgres-database.js';
import { PostgresEventStore } from '../../dist/event-store/postgres/postgres-event-store.js';
import { migrations } from '../../dist/event-store/postgres/postgres-event-store-schema.js';
import { alternate, withConcurrency } from '../lib/measure.js';
import { createDatabase, dropSchema, uniqueName, withAdmin } from '../lib/postgres.js';
import { newRunId, orderEvents, orderRows, streamName } from './workload.js';

/*
 * The PostgreSQL adapter against node-postgres used directly on an equivalent table, created from the adapter's own
 * migration (same columns, defaults, UNIQUE constraints and commit-order index) in a schema of its own, written with
 * named (prepared) multi-row INSERTs. Both sides get a pool of POOL_SIZE connections and run the same number of
 * concurrent writers. Every round starts from fresh schemas.
 */

const POOL_SIZE = 10;
const EVENT_COLUMNS = 'event_id, stream, revision, type, data, metadata';

function valuesList(rows, columns) {
  const tuples = [];
  for (let r = 0; r < rows; r++) {
    tuples.push(`(${Array.from({ length: columns }, (_, c) => `$${r * columns + c + 1}`).join(', ')})`);
  }
  return tuples.join(', ');
}

async function openRaw(url) {
  const schema = uniqueName('raw');
  await withAdmin(url, async (client) => {
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(migrations(schema).join(';\n'));
  });
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  pool.on('error', () => undefined);
  const runId = newRunId();
  const insertText = (orders) =>
    `INSERT INTO ${schema}.es_events (${EVENT_COLUMNS}) VALUES ${valuesList(orders * 3, 6)}`;
  const one = insertText(1);
  const hundred = insertText(100);
  return {
    schema,
    pool,
    /** One statement (its own transaction) inserting order `i`'s three events. */
    writeOne: (i) => pool.query({ name: `raw_one_${schema}`, text: one, values: orderRows(runId, i).flat() }),
    /** One statement inserting the 300 events of orders from..from+99. */
    writeHundred: (from) => {
      const values = [];
      for (let i = from; i < from + 100; i++) for (const row of orderRows(runId, i)) values.push(...row);
      return pool.query({ name: `raw_hundred_${schema}`, text: hundred, values });
    },
    close: async () => {
      await pool.end();
      await dropSchema(url, schema);
    },
  };
}

async function openStore(url, schema = uniqueName('ours')) {
  const database = new PostgresDatabase({ connectionString: url, schema, max: POOL_SIZE });
  const store = new PostgresEventStore(database);
  await store.init();
  return {
    schema,
    store,
    database,
    close: async () => {
      await store.close();
      await database.close();
      await dropSchema(url, schema);
    },
  };
}

const appendOne = (store, runId, i) => store.append(streamName(runId, i), orderEvents(i), { expectedRevision: 'no_stream' });

function appendHundred(store, runId, from) {
  const appends = [];
  for (let i = from; i < from + 100; i++) {
    appends.push({ stream: streamName(runId, i), events: orderEvents(i), expectedRevision: 'no_stream' });
  }
  return store.appendMany(appends);
}

/** Sequential 3-event appends and 100-stream appendMany, with 1 and 8 concurrent writers. */
export async function postgresAppends(context, url) {
  const { log, rounds } = context;
  const concurrencies = [1, 8];
  for (const concurrency of concurrencies) {
    const appends = context.size(`PG_APPENDS_C${concurrency}`, concurrency === 1 ? 2500 : 5000);
    const warmup = Math.max(4 * concurrency, Math.ceil(appends / 20));
    log(`  appends, ${concurrency} writer(s): ${appends} appends x 3 events, ${rounds} rounds`);
    const single = await alternate(
      rounds,
      [
        {
          key: 'raw',
          ops: appends,
          setup: async () => {
            const raw = await openRaw(url);
            await withConcurrency(warmup, concurrency, (i) => raw.writeOne(1_000_000 + i));
            return raw;
          },
          run: (raw) => withConcurrency(appends, concurrency, (i) => raw.writeOne(i)),
          teardown: (raw) => raw.close(),
        },
        {
          key: 'ours',
          ops: appends,
          setup: async () => {
            const opened = await openStore(url);
            const runId = newRunId();
            await withConcurrency(warmup, concurrency, (i) => appendOne(opened.store, `${runId}w`, i));
            return { ...opened, runId };
          },
          run: ({ store, runId }) => withConcurrency(appends, concurrency, (i) => appendOne(store, runId, i)),
          teardown: (opened) => opened.close(),
        },
      ],
      log,
    );
    context.row({
      id: `postgres.append.sequential.c${concurrency}`,
      figure: `PostgreSQL append, ${concurrency} writer(s)`,
      unit: 'appends/s',
      value: single.ours.rate,
      baseline: { label: `pg 3-row INSERT, ${concurrency} writer(s)`, value: single.raw.rate },
      target: { kind: 'ratio', min: 0.7 },
      details: { appendsPerRound: appends, concurrency, poolSize: POOL_SIZE, rounds: single },
    });

    const batches = context.size(`PG_BATCHES_C${concurrency}`, concurrency === 1 ? 100 : 160);
    log(`  appendMany, ${concurrency} writer(s): ${batches} batches x 100 streams x 3 events, ${rounds} rounds`);
    const many = await alternate(
      rounds,
      [
        {
          key: 'raw',
          ops: batches * 100,
          setup: async () => {
            const raw = await openRaw(url);
            await withConcurrency(2 * concurrency, concurrency, (b) => raw.writeHundred(1_000_000 + b * 100));
            return raw;
          },
          run: (raw) => withConcurrency(batches, concurrency, (b) => raw.writeHundred(b * 100)),
          teardown: (raw) => raw.close(),
        },
        {
          key: 'ours',
          ops: batches * 100,
          setup: async () => {
            const opened = await openStore(url);
            const runId = newRunId();
            await withConcurrency(2 * concurrency, concurrency, (b) => appendHundred(opened.store, `${runId}w`, b * 100));
            return { ...opened, runId };
          },
          run: ({ store, runId }) => withConcurrency(batches, concurrency, (b) => appendHundred(store, runId, b * 100)),
          teardown: (opened) => opened.close(),
        },
      ],
      log,
    );
    context.row({
      id: `postgres.append.batch100.c${concurrency}`,
      figure: `PostgreSQL appendMany, 100 streams/tx, ${concurrency} writer(s)`,
      unit: 'appends/s',
      value: many.ours.rate,
      baseline: { label: `pg 300-row INSERT, ${concurrency} writer(s)`, value: many.raw.rate },
      target: { kind: 'ratio', min: 0.7 },
      details: { batchesPerRound: batches, streamsPerBatch: 100, concurrency, poolSize: POOL_SIZE, rounds: many },
    });
  }
}

/** readAll page by page and a subscription from null to the end; baseline = raw SELECT pages on a copy of the rows. */
export async function postgresReads(context, url) {
  const { log, rounds } = context;
  const events = context.size('REPLAY_EVENTS', 200_000);
  const page = context.size('REPLAY_PAGE', 1000, { scaled: false });
  const subscriptionBatch = 500;
  const opened = await openStore(url);
  const rawSchema = uniqueName('rawread');
  const rawPool = new pg.Pool({ connectionString: url, max: 2 });
  rawPool.on('error', () => undefined);
  try {
    log(`  filling a store with ${events} events for the replays (appendMany, 1 000 streams per call)`);
    const started = Date.now();
    const streams = Math.ceil(events / 3);
    const total = streams * 3;
    const runId = newRunId();
    await withConcurrency(Math.ceil(streams / 1000), 2, (b) => {
      const appends = [];
      for (let i = b * 1000; i < Math.min(streams, (b + 1) * 1000); i++) {
        appends.push({ stream: streamName(runId, i), events: orderEvents(i), expectedRevision: 'no_stream' });
      }
      return opened.store.appendMany(appends);
    });
    // The baseline reads a copy of the same rows; both tables vacuumed so that neither pays for hint bits.
    await withAdmin(url, async (client) => {
      await client.query(`CREATE SCHEMA ${rawSchema}`);
      await client.query(migrations(rawSchema).join(';\n'));
      await client.query(
        `INSERT INTO ${rawSchema}.es_events SELECT * FROM ${opened.schema}.es_events ORDER BY global_position`,
      );
      await client.query(`VACUUM ANALYZE ${rawSchema}.es_events`);
      await client.query(`VACUUM ANALYZE ${opened.schema}.es_events`);
    });
    log(`  filled in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const rawReplay = async (limit) => {
      const text =
        `SELECT global_position, event_id, stream, revision, type, data, metadata, recorded_at ` +
        `FROM ${rawSchema}.es_events WHERE global_position > $1 ORDER BY global_position LIMIT $2`;
      let after = 0;
      let count = 0;
      for (;;) {
        const { rows } = await rawPool.query({ name: `raw_read_${rawSchema}`, text, values: [after, limit] });
        count += rows.length;
        if (rows.length === 0) break;
        after = rows[rows.length - 1].global_position;
        if (rows.length < limit) break;
      }
      if (count !== total) throw new Error(`raw replay read ${count} events, expected ${total}`);
    };
    const ourReplay = async () => {
      let after = null;
      let count = 0;
      for (;;) {
        const batch = await opened.store.readAll({ fromPosition: after, maxCount: page });
        count += batch.length;
        if (batch.length === 0) break;
        after = batch[batch.length - 1].position;
        if (batch.length < page) break;
      }
      if (count !== total) throw new Error(`readAll replay read ${count} events, expected ${total}`);
    };
    const ourSubscription = async () => {
      const stop = new AbortController();
      let count = 0;
      for await (const event of opened.store.subscribe({ from: null, signal: stop.signal })) {
        if (event.position === undefined) throw new Error('event without position');
        if (++count === total) break;
      }
    };
    await rawReplay(page);
    await ourReplay();
    log(`  readAll replay: ${total} events, pages of ${page}, ${rounds} rounds`);
    const replay = await alternate(
      rounds,
      [
        { key: 'raw', ops: total, run: () => rawReplay(page) },
        { key: 'ours', ops: total, run: ourReplay },
      ],
      log,
    );
    context.row({
      id: 'postgres.replay.readAll',
      figure: `PostgreSQL readAll replay (pages of ${page})`,
      unit: 'events/s',
      value: replay.ours.rate,
      baseline: { label: 'pg SELECT (keyset pages)', value: replay.raw.rate },
      target: null,
      details: { events: total, page, rounds: replay },
    });
    log(`  subscription catch-up: ${total} events, batches of ${subscriptionBatch}, ${rounds} rounds`);
    const catchUp = await alternate(
      rounds,
      [
        { key: 'raw', ops: total, run: () => rawReplay(subscriptionBatch) },
        { key: 'ours', ops: total, run: ourSubscription },
      ],
      log,
    );
    context.row({
      id: 'postgres.subscription.catchUp',
      figure: `PostgreSQL subscribe catch-up (batches of ${subscriptionBatch})`,
      unit: 'events/s',
      value: catchUp.ours.rate,
      baseline: { label: `pg SELECT, pages of ${subscriptionBatch}`, value: catchUp.raw.rate },
      target: null,
      details: { events: total, batchSize: subscriptionBatch, rounds: catchUp },
    });
  } finally {
    await rawPool.end();
    await opened.close();
    await dropSchema(url, rawSchema);
  }
}

/**
 * Emmett's PostgreSQL store (in a throw-away database: its DDL uses unqualified names) against ours, same workload and
 * same number of concurrent writers, pools of the same size, alternating rounds on stores kept open across rounds.
 */
export async function postgresVersusEmmett(context, url, emmett) {
  const { log, rounds } = context;
  const database = await createDatabase(url, uniqueName('emmett'));
  let theirs;
  let ours;
  try {
    theirs = emmett.openEmmettPostgres(database.url, { max: POOL_SIZE });
    ours = await openStore(url);
    for (const concurrency of [1, 8]) {
      const appends = context.size(`EMMETT_PG_APPENDS_C${concurrency}`, concurrency === 1 ? 1500 : 3000);
      const warmup = Math.max(4 * concurrency, 50);
      log(`  Emmett PostgreSQL, ${concurrency} writer(s): ${appends} appends x 3 events, ${rounds} rounds`);
      const contender = (key, append) => ({
        key,
        ops: appends,
        setup: async () => {
          const runId = newRunId();
          await withConcurrency(warmup, concurrency, (i) => append(`${runId}w`, i));
          return runId;
        },
        run: (runId) => withConcurrency(appends, concurrency, (i) => append(runId, i)),
      });
      const result = await alternate(
        rounds,
        [
          contender('emmett', (runId, i) => theirs.append(streamName(runId, i), orderEvents(i))),
          contender('ours', (runId, i) => appendOne(ours.store, runId, i)),
        ],
        log,
      );
      context.row({
        id: `postgres.emmett.c${concurrency}`,
        figure: `PostgreSQL append vs Emmett, ${concurrency} writer(s)`,
        unit: 'appends/s',
        value: result.ours.rate,
        baseline: {
          label: `emmett-postgresql ${emmett.versions['@event-driven-io/emmett-postgresql']}, ${concurrency} writer(s)`,
          value: result.emmett.rate,
        },
        target: { kind: 'ratio', min: 1.5 },
        details: { appends, concurrency, poolSize: POOL_SIZE, rounds: result },
      });
    }
  } finally {
    await theirs?.close().catch(() => undefined);
    await ours?.close();
    await database.drop();
  }
}
