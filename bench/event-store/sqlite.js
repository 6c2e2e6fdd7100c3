import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteDatabase } from '../../dist/database/sqlite-database.js';
import { SqliteEventStore } from '../../dist/event-store/sqlite/sqlite-event-store.js';
import { SQLITE_EVENT_STORE_SCHEMA } from '../../dist/event-store/sqlite/sqlite-event-store-schema.js';
import { alternate } from '../lib/measure.js';
import { newRunId, orderEvents, orderRows, streamName } from './workload.js';

/*
 * The SQLite adapter against better-sqlite3 used directly on an equivalent table. The baseline table is created from
 * the adapter's own DDL (same columns, same INTEGER PRIMARY KEY, same UNIQUE indexes), in WAL mode with the same
 * synchronous setting, and written with prepared statements in the same transaction shape. Every round starts from a
 * fresh file for each contender.
 */

const COLUMNS = 'position, event_id, stream, revision, type, data, metadata, recorded_at';
const INSERT =
  'INSERT INTO es_events (event_id, stream, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)';

let files = 0;
function freshFile(context, label) {
  return join(context.tmpDir, `sqlite-${label}-${++files}.db`);
}

function removeFile(file) {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
}

/** A raw better-sqlite3 writer on an equivalent table: `writeOne(i)` = one transaction, `writeBatch(from, n)` = one. */
function openRaw(file, synchronous) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec(SQLITE_EVENT_STORE_SCHEMA);
  const insert = db.prepare(INSERT);
  const runId = newRunId();
  const writeOrders = db.transaction((from, count) => {
    const recordedAt = new Date().toISOString();
    for (let i = from; i < from + count; i++) {
      for (const row of orderRows(runId, i)) insert.run(row[0], row[1], row[2], row[3], row[4], row[5], recordedAt);
    }
  });
  return {
    writeOne: (i) => writeOrders(i, 1),
    writeBatch: (from, count) => writeOrders(from, count),
    close: () => db.close(),
  };
}

async function openStore(file, synchronous) {
  const database = new SqliteDatabase({ path: file, synchronous });
  const store = new SqliteEventStore(database);
  await store.init();
  return {
    store,
    close: async () => {
      await store.close();
      await database.close();
    },
  };
}

async function appendSequential(store, runId, from, count) {
  for (let i = from; i < from + count; i++) {
    await store.append(streamName(runId, i), orderEvents(i), { expectedRevision: 'no_stream' });
  }
}

async function appendBatches(store, runId, batches, perBatch) {
  for (let b = 0; b < batches; b++) {
    const appends = [];
    for (let i = b * perBatch; i < (b + 1) * perBatch; i++) {
      appends.push({ stream: streamName(runId, i), events: orderEvents(i), expectedRevision: 'no_stream' });
    }
    await store.appendMany(appends);
  }
}

/** Sequential appends (one transaction each) and appendMany batches, at synchronous FULL and NORMAL. */
export async function sqliteAppends(context) {
  const { log, rounds } = context;
  const sequential = context.size('SQLITE_APPENDS', 4000);
  const batches = context.size('SQLITE_BATCHES', 200);
  const perBatch = 100;
  const warmup = Math.min(200, Math.ceil(sequential / 10));

  for (const synchronous of ['FULL', 'NORMAL']) {
    log(`  sequential appends, synchronous=${synchronous}: ${sequential} appends x 3 events, ${rounds} rounds`);
    const seq = await alternate(
      rounds,
      [
        {
          key: 'raw',
          ops: sequential,
          setup: () => {
            const file = freshFile(context, 'raw');
            const raw = openRaw(file, synchronous);
            for (let i = 0; i < warmup; i++) raw.writeOne(1_000_000 + i);
            return { raw, file };
          },
          run: ({ raw }) => {
            for (let i = 0; i < sequential; i++) raw.writeOne(i);
          },
          teardown: ({ raw, file }) => (raw.close(), removeFile(file)),
        },
        {
          key: 'ours',
          ops: sequential,
          setup: async () => {
            const file = freshFile(context, 'store');
            const opened = await openStore(file, synchronous);
            const runId = newRunId();
            await appendSequential(opened.store, `${runId}w`, 0, warmup);
            return { ...opened, file, runId };
          },
          run: ({ store, runId }) => appendSequential(store, runId, 0, sequential),
          teardown: async ({ close, file }) => (await close(), removeFile(file)),
        },
      ],
      log,
    );
    context.row({
      id: `sqlite.append.sequential.${synchronous.toLowerCase()}`,
      figure: `SQLite append, sequential, synchronous=${synchronous}`,
      unit: 'appends/s',
      value: seq.ours.rate,
      baseline: { label: 'better-sqlite3, 1 tx/append', value: seq.raw.rate },
      target: { kind: 'ratio', min: 0.7 },
      details: { appendsPerRound: sequential, eventsPerAppend: 3, rounds: seq },
    });

    log(`  appendMany, synchronous=${synchronous}: ${batches} batches x ${perBatch} streams x 3 events, ${rounds} rounds`);
    const many = await alternate(
      rounds,
      [
        {
          key: 'raw',
          ops: batches * perBatch,
          setup: () => {
            const file = freshFile(context, 'raw');
            const raw = openRaw(file, synchronous);
            for (let b = 0; b < 3; b++) raw.writeBatch(1_000_000 + b * perBatch, perBatch);
            return { raw, file };
          },
          run: ({ raw }) => {
            for (let b = 0; b < batches; b++) raw.writeBatch(b * perBatch, perBatch);
          },
          teardown: ({ raw, file }) => (raw.close(), removeFile(file)),
        },
        {
          key: 'ours',
          ops: batches * perBatch,
          setup: async () => {
            const file = freshFile(context, 'store');
            const opened = await openStore(file, synchronous);
            const runId = newRunId();
            await appendBatches(opened.store, `${runId}w`, 3, perBatch);
            return { ...opened, file, runId };
          },
          run: ({ store, runId }) => appendBatches(store, runId, batches, perBatch),
          teardown: async ({ close, file }) => (await close(), removeFile(file)),
        },
      ],
      log,
    );
    context.row({
      id: `sqlite.append.batch100.${synchronous.toLowerCase()}`,
      figure: `SQLite appendMany, 100 streams/tx, synchronous=${synchronous}`,
      unit: 'appends/s',
      value: many.ours.rate,
      baseline: { label: 'better-sqlite3, 1 tx/100 appends', value: many.raw.rate },
      target: { kind: 'ratio', min: 0.7 },
      details: { batchesPerRound: batches, streamsPerBatch: perBatch, eventsPerAppend: 3, rounds: many },
    });
  }
}

/** Fills a fresh store with `events` events (appendMany, 1 000 streams per call) and returns its file. */
async function filledStore(context, events) {
  const file = freshFile(context, 'replay');
  const opened = await openStore(file, 'NORMAL');
  const streams = Math.ceil(events / 3);
  const runId = newRunId();
  for (let from = 0; from < streams; from += 1000) {
    const appends = [];
    for (let i = from; i < Math.min(streams, from + 1000); i++) {
      appends.push({ stream: streamName(runId, i), events: orderEvents(i), expectedRevision: 'no_stream' });
    }
    await opened.store.appendMany(appends);
  }
  await opened.close();
  return { file, total: streams * 3 };
}

/** readAll page by page from the start, and a subscription from null to the end; baseline = raw SELECT pages. */
export async function sqliteReads(context) {
  const { log, rounds } = context;
  const events = context.size('REPLAY_EVENTS', 200_000);
  const page = context.size('REPLAY_PAGE', 1000, { scaled: false });
  const subscriptionBatch = 500;
  log(`  filling a store with ${events} events for the replays`);
  const started = Date.now();
  const { file, total } = await filledStore(context, events);
  log(`  filled in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // One connection for the baseline and one store for ours, both warm (pages cached) before the clock starts.
  const raw = new Database(file, { readonly: true });
  const opened = await openStore(file, 'NORMAL');
  const rawReplay = (limit, decode) => {
    const select = raw.prepare(`SELECT ${COLUMNS} FROM es_events WHERE position > ? ORDER BY position LIMIT ?`);
    let after = 0;
    let count = 0;
    for (;;) {
      const rows = select.all(after, limit);
      if (rows.length === 0) break;
      for (const row of rows) {
        if (decode) {
          row.data = JSON.parse(row.data);
          row.metadata = JSON.parse(row.metadata);
        }
        count++;
      }
      after = rows[rows.length - 1].position;
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
  try {
    rawReplay(page, true);
    await ourReplay();
    log(`  readAll replay: ${total} events, pages of ${page}, ${rounds} rounds`);
    const replay = await alternate(
      rounds,
      [
        { key: 'raw', ops: total, run: () => rawReplay(page, true) },
        { key: 'rawSelectOnly', ops: total, run: () => rawReplay(page, false) },
        { key: 'ours', ops: total, run: ourReplay },
      ],
      log,
    );
    context.row({
      id: 'sqlite.replay.readAll',
      figure: `SQLite readAll replay (pages of ${page})`,
      unit: 'events/s',
      value: replay.ours.rate,
      baseline: { label: 'better-sqlite3 SELECT + JSON.parse', value: replay.raw.rate },
      target: { kind: 'value', min: 150_000 },
      details: { events: total, page, selectOnlyRate: replay.rawSelectOnly.rate, rounds: replay },
    });

    log(`  subscription catch-up: ${total} events, batches of ${subscriptionBatch}, ${rounds} rounds`);
    const catchUp = await alternate(
      rounds,
      [
        { key: 'raw', ops: total, run: () => rawReplay(subscriptionBatch, true) },
        { key: 'ours', ops: total, run: ourSubscription },
      ],
      log,
    );
    context.row({
      id: 'sqlite.subscription.catchUp',
      figure: `SQLite subscribe catch-up (batches of ${subscriptionBatch})`,
      unit: 'events/s',
      value: catchUp.ours.rate,
      baseline: { label: `better-sqlite3 SELECT + JSON.parse, pages of ${subscriptionBatch}`, value: catchUp.raw.rate },
      target: null,
      details: { events: total, batchSize: subscriptionBatch, rounds: catchUp },
    });
  } finally {
    raw.close();
    await opened.close();
    removeFile(file);
  }
}

/**
 * Emmett's SQLite store, same workload as our sequential appends (new stream each, 3 events, expected "stream does
 * not exist"), against ours at synchronous=FULL (both libraries' default) in the same rounds. Emmett opens and closes a
 * connection around every call; when no other connection has the file open, each close also checkpoints the WAL. Both
 * ways are measured: as shipped with nothing else open, and with one idle reader connection held open (as a running
 * application with a consumer would have), which is the faster one for Emmett and the one the target is judged on.
 */
export async function sqliteVersusEmmett(context, emmett) {
  const { log, rounds } = context;
  const appends = context.size('EMMETT_SQLITE_APPENDS', 500);
  const warmup = 20;
  const emmettContender = (key, holdReader) => ({
    key,
    ops: appends,
    setup: async () => {
      const file = freshFile(context, 'emmett');
      const store = emmett.openEmmettSqlite(file);
      const runId = newRunId();
      for (let i = 0; i < warmup; i++) await store.append(streamName(`${runId}w`, i), orderEvents(i));
      const reader = holdReader ? await emmett.holdOpen(file) : null;
      return { store, file, runId, reader };
    },
    run: async ({ store, runId }) => {
      for (let i = 0; i < appends; i++) await store.append(streamName(runId, i), orderEvents(i));
    },
    teardown: async ({ store, file, reader }) => {
      await reader?.close();
      await store.close();
      removeFile(file);
    },
  });
  log(`  Emmett SQLite: ${appends} sequential appends x 3 events, ${rounds} rounds`);
  const result = await alternate(
    rounds,
    [
      emmettContender('emmett', false),
      emmettContender('emmettReaderOpen', true),
      {
        key: 'ours',
        ops: appends,
        setup: async () => {
          const file = freshFile(context, 'store');
          const opened = await openStore(file, 'FULL');
          const runId = newRunId();
          await appendSequential(opened.store, `${runId}w`, 0, warmup);
          return { ...opened, file, runId };
        },
        run: ({ store, runId }) => appendSequential(store, runId, 0, appends),
        teardown: async ({ close, file }) => (await close(), removeFile(file)),
      },
    ],
    log,
  );
  const versions = `emmett-sqlite ${emmett.versions['@event-driven-io/emmett-sqlite']}`;
  context.row({
    id: 'sqlite.emmett.readerOpen',
    figure: 'SQLite append vs Emmett (reader connection open)',
    unit: 'appends/s',
    value: result.ours.rate,
    baseline: { label: `${versions}, a reader connection open`, value: result.emmettReaderOpen.rate },
    target: { kind: 'ratio', min: 10 },
    details: { appends, rounds: result },
  });
  context.row({
    id: 'sqlite.emmett.asShipped',
    figure: 'SQLite append vs Emmett (as shipped, nothing else open)',
    unit: 'appends/s',
    value: result.ours.rate,
    baseline: { label: `${versions}, connection per call`, value: result.emmett.rate },
    target: null,
    details: { appends, rounds: result },
  });
}
