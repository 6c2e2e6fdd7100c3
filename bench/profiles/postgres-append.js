#!/usr/bin/env node
/**
 * Where the PostgreSQL adapter's append time goes: `node bench/profiles/postgres-append.js [single|batch] [writers]`
 * (after `npm run build`). Runs, in interleaved rounds against the same server, variants that add one ingredient of
 * the adapter's append at a time on top of the raw multi-row INSERT of the benchmark, and prints each as a ratio to
 * it:
 *
 *   raw            plain multi-row INSERT … VALUES (the benchmark's baseline)
 *   rawReturning   + RETURNING global_position, pg_current_xact_id()        (what an append must report)
 *   rawUnnest      the same rows as array parameters through unnest()        (the adapter's parameter shape)
 *   rawNotify      raw + a coalesced pg_notify() after each commit           (the adapter's NOTIFY, alone)
 *   statement      the adapter's own append statement (appendStatement), sent with a plain pool
 *   oursNoNotify   PostgresEventStore with notifyOtherProcesses: false
 *   ours           PostgresEventStore as configured by default
 */
import pg from 'pg';
import { PostgresDatabase } from '../../dist/database/postgres-database.js';
import { prepareAppends } from '../../dist/event-store/event-ids.js';
import { appendStatement } from '../../dist/event-store/postgres/append-statement.js';
import { PostgresEventStore } from '../../dist/event-store/postgres/postgres-event-store.js';
import { migrations } from '../../dist/event-store/postgres/postgres-event-store-schema.js';
import { newRunId, orderEvents, orderRows, streamName } from '../event-store/workload.js';
import { alternate, withConcurrency } from '../lib/measure.js';
import { DEFAULT_DATABASE_URL, dropSchema, uniqueName, withAdmin } from '../lib/postgres.js';

const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const mode = process.argv[2] ?? 'single';
const writers = Number(process.argv[3] ?? 1);
const orders = mode === 'batch' ? 100 : 1;
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const opsPerRound = mode === 'batch' ? 20 : 400;
const cleanups = [];

const COLUMNS = '(event_id, stream, revision, type, data, metadata)';
const values = (rows) =>
  Array.from({ length: rows }, (_, r) => `(${[1, 2, 3, 4, 5, 6].map((c) => `$${r * 6 + c}`).join(', ')})`).join(', ');

async function rawSchema() {
  const schema = uniqueName('prof');
  await withAdmin(url, async (client) => {
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(migrations(schema).join(';\n'));
  });
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  cleanups.push(async () => (await pool.end(), await dropSchema(url, schema)));
  return { schema, pool };
}

function rowsOf(runId, op) {
  const rows = [];
  for (let i = op * orders; i < (op + 1) * orders; i++) rows.push(...orderRows(runId, i));
  return rows;
}

function appendsOf(runId, op) {
  const appends = [];
  for (let i = op * orders; i < (op + 1) * orders; i++) {
    appends.push({ stream: streamName(runId, i), events: orderEvents(i), expectedRevision: 'no_stream' });
  }
  return appends;
}

async function store(notifyOtherProcesses) {
  const schema = uniqueName('prof');
  const database = new PostgresDatabase({ connectionString: url, schema, max: 10 });
  const es = new PostgresEventStore(database, { notifyOtherProcesses });
  await es.init();
  cleanups.push(async () => (await es.close(), await database.close(), await dropSchema(url, schema)));
  return { schema, es };
}

const variants = {
  async raw() {
    const { schema, pool } = await rawSchema();
    const text = `INSERT INTO ${schema}.es_events ${COLUMNS} VALUES ${values(orders * 3)}`;
    return (runId, op) => pool.query({ name: 'raw', text, values: rowsOf(runId, op).flat() });
  },
  async rawReturning() {
    const { schema, pool } = await rawSchema();
    const text =
      `INSERT INTO ${schema}.es_events ${COLUMNS} VALUES ${values(orders * 3)} ` +
      'RETURNING stream, revision, global_position, pg_current_xact_id()::text AS xid';
    return (runId, op) => pool.query({ name: 'raw_returning', text, values: rowsOf(runId, op).flat() });
  },
  async rawUnnest() {
    const { schema, pool } = await rawSchema();
    const text =
      `INSERT INTO ${schema}.es_events ${COLUMNS} ` +
      'SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::json[], $6::json[])';
    return (runId, op) => {
      const columns = [[], [], [], [], [], []];
      for (const row of rowsOf(runId, op)) row.forEach((value, c) => columns[c].push(value));
      return pool.query({ name: 'raw_unnest', text, values: columns });
    };
  },
  async rawNotify() {
    const { schema, pool } = await rawSchema();
    const notifier = new pg.Client({ connectionString: url });
    await notifier.connect();
    cleanups.push(() => notifier.end());
    const text = `INSERT INTO ${schema}.es_events ${COLUMNS} VALUES ${values(orders * 3)}`;
    let sending = false;
    let again = false;
    const notify = async () => {
      if (sending) return void (again = true);
      sending = true;
      do {
        again = false;
        await notifier.query('SELECT pg_notify($1, $2)', [`prof_${schema}`, 'x']);
      } while (again);
      sending = false;
    };
    cleanups.unshift(async () => {
      while (sending) await new Promise((resolve) => setTimeout(resolve, 5));
    });
    return async (runId, op) => {
      await pool.query({ name: 'raw', text, values: rowsOf(runId, op).flat() });
      void notify();
    };
  },
  async statement() {
    const { schema } = await store(false);
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    cleanups.unshift(() => pool.end());
    return (runId, op) => pool.query(appendStatement(schema, prepareAppends(appendsOf(runId, op))));
  },
  async oursNoNotify() {
    const { es } = await store(false);
    return (runId, op) => es.appendMany(appendsOf(runId, op));
  },
  async ours() {
    const { es } = await store(true);
    return (runId, op) => es.appendMany(appendsOf(runId, op));
  },
};

const names = (process.env.VARIANTS ?? Object.keys(variants).join(',')).split(',');
try {
  const result = await alternate(
    rounds,
    names.map((key) => ({
      key,
      ops: opsPerRound,
      factor: orders,
      open: async () => {
        const write = await variants[key]();
        const runId = newRunId();
        await withConcurrency(Math.max(2 * writers, 10), writers, (op) => write(runId, op));
        return write;
      },
      run: (write, count) => {
        const runId = newRunId();
        return withConcurrency(count, writers, (op) => write(runId, op));
      },
    })),
    (line) => console.log(line),
    { slices: 10 },
  );
  console.log(`\n${mode === 'batch' ? '100 streams per append' : 'one stream per append'}, ${writers} writer(s):`);
  for (const key of names) {
    const { rate, ratio } = result[key];
    console.log(`  ${key.padEnd(13)} ${String(Math.round(rate)).padStart(7)} appends/s   ${ratio.toFixed(2)} × raw`);
  }
} finally {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
}
