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
 * concurrent writers. Each contender has a fresh schema of its own, dropped at the end.
 */

const POOL_SIZE = 10;
/** Interleaved slices per round (see alternate()). */
const SLICES = 10;
const EVENT_COLUMNS = 'event_id, stream, revision, type, data, metadata';

function valuesList(rows, columns) {
  const tuples = [];
  for (let r = 0; r < rows; r++) {
    tuples.push(`(${Array.from({ length: columns }, (_, c) => `$${r * columns + c + 1}`).join(', ')})`);
  }
  return tuples.join(', ');
}

/** node-postgres on an equivalent table: `write(runId, from, orders)` = one INSERT of 3 × orders rows. */
async function openRaw(url) {
  const schema = uniqueName('raw');
  await withAdmin(url, async (client) => {
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(migrations(schema).join(';\n'));
  });
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  pool.on('error', () => undefined);
  const statements = new Map();
  const statementFor = (orders) => {
    let text = statements.get(orders);
    if (!text) {
      text = `INSERT INTO ${schema}.es_events (${EVENT_COLUMNS}) VALUES ${valuesList(orders * 3, 6)}`;
      statements.set(orders, text);
    }
    return { name: `raw_insert_${orders}_${schema}`, text };
  };
  return {
    write: (runId, from, orders) => {
      const values = [];
      for (let i = from; i < from + orders; i++) for (const row of orderRows(runId, i)) values.push(...row);
      return pool.query({ ...statementFor(orders), values });
    },
    close: async () => {
      await pool.end();
      await dropSchema(url, schema);
    },
  };
}

async function openStore(url) {
  const schema = uniqueName('ours');
  const database = new PostgresDatabase({ connectionString: url, schema, max: POOL_SIZE });
  const store = new PostgresEventStore(database);
  await store.init();
  return {
    schema,
    store,
    close: async () => {
      await store.close();
      await database.close();
      await dropSchema(url, schema);
    },
  };
}

const appendOne = (store, runId, i) =>
  store.append(streamName(runId, i), orderEvents(i), { expectedRevision: 'no_stream' });

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
  for (const concurrency of [1, 8]) {
    const appends = context.size(`PG_APPENDS_C${concurrency}`, concurrency === 1 ? 3000 : 6000);
    const perRound = Math.max(concurrency, Math.round(appends / rounds));
    const warmup = Math.max(8 * concurrency, 100);
    log(`  appends, ${concurrency} writer(s): ${rounds} rounds x ${perRound} appends x 3 events`);
    const single = await alternate(
      rounds,
      [
        {
          key: 'raw',
          ops: perRound,
          open: async () => {
            const raw = await openRaw(url);
            const runId = newRunId();
            await withConcurrency(warmup, concurrency, (i) => raw.write(runId, i, 1));
            return raw;
          },
          run: (raw, count) => {
            const runId = newRunId();
            return withConcurrency(count, concurrency, (i) => raw.write(runId, i, 1));
          },
          close: (raw) => raw.close(),
        },
        {
          key: 'ours',
          ops: perRound,
          open: async () => {
            const opened = await openStore(url);
            const runId = newRunId();
            await withConcurrency(warmup, concurrency, (i) => appendOne(opened.store, runId, i));
            return opened;
          },
          run: ({ store }, count) => {
            const runId = newRunId();
            return withConcurrency(count, concurrency, (i) => appendOne(store, runId, i));
          },
          close: (opened) => opened.close(),
        },
      ],
      log,
      { slices: SLICES },
    );
    context.row({
      id: `postgres.append.sequential.c${concurrency}`,
      figure: `PostgreSQL append, ${concurrency} writer(s)`,
      unit: 'appends/s',
      value: single.ours.rate,
      ratio: single.ours.ratio,
      baseline: { label: `pg 3-row INSERT, ${concurrency} writer(s)`, value: single.raw.rate },
      target: { kind: 'ratio', min: 0.7 },
      details: { appendsPerRound: perRound, concurrency, poolSize: POOL_SIZE, rounds: single },
    });

    const batches = context.size(`PG_BATCHES_C${concurrency}`, concurrency === 1 ? 150 : 240);
    const batchesPerRound = Math.max(concurrency, Math.round(batches / rounds));
    log(
      `  appendMany, ${concurrency} writer(s): ${rounds} rounds x ${batchesPerRound} batches x 100 streams x 3 events`,
    );
    const many = await alternate(
      rounds,
      [
        {
          key: 'raw',
          ops: batchesPerRound,
          factor: 100,
          open: async () => {
            const raw = await openRaw(url);
            const runId = newRunId();
            await withConcurrency(2 * concurrency, concurrency, (b) => raw.write(runId, b * 100, 100));
            return raw;
          },
          run: (raw, count) => {
            const runId = newRunId();
            return withConcurrency(count, concurrency, (b) => raw.write(runId, b * 100, 100));
          },
          close: (raw) => raw.close(),
        },
        {
          key: 'ours',
          ops: batchesPerRound,
          factor: 100,
          open: async () => {
            const opened = await openStore(url);
            const runId = newRunId();
            await withConcurrency(2 * concurrency, concurrency, (b) => appendHundred(opened.store, runId, b * 100));
            return opened;
          },
          run: ({ store }, count) => {
            const runId = newRunId();
            return withConcurrency(count, concurrency, (b) => appendHundred(store, runId, b * 100));
          },
          close: (opened) => opened.close(),
        },
      ],
      log,
      { slices: SLICES },
    );
    context.row({
      id: `postgres.append.batch100.c${concurrency}`,
      figure: `PostgreSQL appendMany, 100 streams/tx, ${concurrency} writer(s)`,
      unit: 'appends/s',
      value: many.ours.rate,
      ratio: many.ours.ratio,
      baseline: { label: `pg 300-row INSERT, ${concurrency} writer(s)`, value: many.raw.rate },
      target: { kind: 'ratio', min: 0.7 },
      details: { batchesPerRound, streamsPerBatch: 100, concurrency, poolSize: POOL_SIZE, rounds: many },
    });
  }
}

/** readAll page by page and a subscription from null to the end; baseline = raw SELECT pages on a copy of the rows. */
export async function postgresReads(context, url) {
  const { log } = context;
  const rounds = context.replayRounds;
  const streams = Math.ceil(context.size('REPLAY_EVENTS', 200_000) / 3);
  const total = streams * 3;
  const page = context.size('REPLAY_PAGE', 1000, { scaled: false });
  const subscriptionBatch = 500;
  const opened = await openStore(url);
  const rawSchema = uniqueName('rawread');
  const rawPool = new pg.Pool({ connectionString: url, max: 2 });
  rawPool.on('error', () => undefined);
  try {
    log(`  filling a store with ${total} events for the replays (appendMany, 1 000 streams per call)`);
    const started = Date.now();
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

    // The baseline: keyset pages with node-postgres (json parsed by its type parser, timestamptz to Date).
    const rawText =
      `SELECT global_position, event_id, stream, revision, type, data, metadata, recorded_at ` +
      `FROM ${rawSchema}.es_events WHERE global_position > $1 ORDER BY global_position LIMIT $2`;
    const rawReplay = async (limit) => {
      let after = 0;
      let count = 0;
      for (;;) {
        const { rows } = await rawPool.query({ name: `raw_read_${rawSchema}`, text: rawText, values: [after, limit] });
        count += rows.length;
        if (rows.length < limit) break;
        after = rows[rows.length - 1].global_position;
      }
      if (count !== total) throw new Error(`raw replay read ${count} events, expected ${total}`);
    };
    const ourReplay = async () => {
      let after = null;
      let count = 0;
      for (;;) {
        const batch = await opened.store.readAll({ fromPosition: after, maxCount: page });
        count += batch.length;
        if (batch.length < page) break;
        after = batch[batch.length - 1].position;
      }
      if (count !== total) throw new Error(`readAll replay read ${count} events, expected ${total}`);
    };
    const ourSubscription = async () => {
      let count = 0;
      for await (const event of opened.store.subscribe({ from: null })) {
        if (event.position === undefined) throw new Error('event without position');
        if (++count === total) break;
      }
    };
    await rawReplay(page);
    await ourReplay();
    log(`  readAll replay: ${rounds} rounds x ${total} events, pages of ${page}`);
    const replay = await alternate(
      rounds,
      [
        { key: 'raw', ops: 1, factor: total, run: () => rawReplay(page) },
        { key: 'ours', ops: 1, factor: total, run: ourReplay },
      ],
      log,
    );
    context.row({
      id: 'postgres.replay.readAll',
      figure: `PostgreSQL readAll replay, pages of ${page}`,
      unit: 'events/s',
      value: replay.ours.rate,
      ratio: replay.ours.ratio,
      baseline: { label: 'pg SELECT, keyset pages', value: replay.raw.rate },
      target: null,
      details: { events: total, page, rounds: replay },
    });
    log(`  subscription catch-up: ${rounds} rounds x ${total} events, batches of ${subscriptionBatch} (the default)`);
    const catchUp = await alternate(
      rounds,
      [
        { key: 'raw', ops: 1, factor: total, run: () => rawReplay(subscriptionBatch) },
        { key: 'ours', ops: 1, factor: total, run: ourSubscription },
      ],
      log,
    );
    context.row({
      id: 'postgres.subscription.catchUp',
      figure: `PostgreSQL subscribe catch-up, batches of ${subscriptionBatch}`,
      unit: 'events/s',
      value: catchUp.ours.rate,
      ratio: catchUp.ours.ratio,
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
 * Emmett's PostgreSQL store (in a throw-away database: its DDL uses unqualified names) against ours: same workload,
 * same number of concurrent writers, pools of the same size.
 */
export async function postgresVersusEmmett(context, url, emmett) {
  const { log, rounds } = context;
  for (const concurrency of [1, 8]) {
    const appends = context.size(`EMMETT_PG_APPENDS_C${concurrency}`, concurrency === 1 ? 2000 : 4000);
    const perRound = Math.max(concurrency, Math.round(appends / rounds));
    const warmup = Math.max(8 * concurrency, 100);
    log(`  Emmett PostgreSQL, ${concurrency} writer(s): ${rounds} rounds x ${perRound} appends x 3 events`);
    const contender = (key, open, append) => ({
      key,
      ops: perRound,
      open: async () => {
        const state = await open();
        const runId = newRunId();
        await withConcurrency(warmup, concurrency, (i) => append(state, runId, i));
        return state;
      },
      run: (state, count) => {
        const runId = newRunId();
        return withConcurrency(count, concurrency, (i) => append(state, runId, i));
      },
      close: (state) => state.close(),
    });
    const result = await alternate(
      rounds,
      [
        contender(
          'emmett',
          async () => {
            const database = await createDatabase(url, uniqueName('emmett'));
            const store = emmett.openEmmettPostgres(database.url, { max: POOL_SIZE });
            return {
              store,
              close: async () => {
                await store.close().catch(() => undefined);
                await database.drop();
              },
            };
          },
          ({ store }, runId, i) => store.append(streamName(runId, i), orderEvents(i)),
        ),
        contender(
          'ours',
          () => openStore(url),
          ({ store }, runId, i) => appendOne(store, runId, i),
        ),
      ],
      log,
      { slices: SLICES },
    );
    context.row({
      id: `postgres.emmett.c${concurrency}`,
      figure: `PostgreSQL append vs Emmett, ${concurrency} writer(s)`,
      unit: 'appends/s',
      value: result.ours.rate,
      ratio: result.ours.ratio,
      baseline: {
        label: `emmett-postgresql ${emmett.versions['@event-driven-io/emmett-postgresql']}, ${concurrency} writer(s)`,
        value: result.emmett.rate,
      },
      target: { kind: 'ratio', min: 1.5 },
      details: { appendsPerRound: perRound, concurrency, poolSize: POOL_SIZE, rounds: result },
    });
  }
}
