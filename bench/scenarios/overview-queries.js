import Database from 'better-sqlite3';
import pg from 'pg';
import { join } from 'node:path';
import { alternate, median } from '../lib/measure.js';
import { loadEngineModule } from '../lib/engine-dist.js';
import { dropSchema, uniqueName } from '../lib/postgres.js';

export const name = 'overview-queries';
export const description =
  "The dashboard's overview queries (list pages, filters, searches, counters) on BENCH_OVERVIEW_ROWS (100 000) " +
  'synthetic orders, on SQLite and PostgreSQL, against raw driver keyset pages of 50 rows of the same table: queries/s';

const load = loadEngineModule;

/** A page as the dashboard asks for it. */
const PAGE = 50;

export async function run(context) {
  const rows = context.size('OVERVIEW_ROWS', 100_000);
  const { adapters } = context;
  const [{ SqliteDatabase }, { PostgresDatabase }] = await Promise.all([
    load('database/sqlite-database.js'),
    load('database/postgres-database.js'),
  ]);
  if (adapters.includes('sqlite')) {
    context.section(`SQLite: overview queries on ${rows} orders`);
    const file = join(context.tmpDir, 'overview-queries.sqlite');
    const db = new SqliteDatabase({ path: file });
    try {
      await measure(context, 'sqlite', db, rows, () => {
        const raw = new Database(file, { readonly: true });
        const keyset = raw.prepare(`SELECT * FROM order_overview WHERE stream > ? ORDER BY stream LIMIT ${PAGE}`);
        return { page: async (after) => keyset.all(after), close: async () => raw.close() };
      });
    } finally {
      await db.close();
    }
  }
  if (adapters.includes('postgres')) {
    context.section(`PostgreSQL: overview queries on ${rows} orders`);
    if (!context.postgres.ok) {
      context.skip(
        'overview-queries.postgres.*',
        'PostgreSQL overview queries',
        `unreachable: ${context.postgres.reason}`,
      );
      return;
    }
    const schema = uniqueName('overview');
    const db = new PostgresDatabase({ connectionString: context.postgres.url, schema });
    try {
      await db.init();
      await measure(context, 'postgres', db, rows, async () => {
        const client = new pg.Client({ connectionString: context.postgres.url });
        await client.connect();
        const sql = `SELECT * FROM ${schema}.order_overview WHERE stream > $1 ORDER BY stream LIMIT ${PAGE}`;
        return {
          page: async (after) => (await client.query({ name: 'keyset', text: sql, values: [after] })).rows,
          close: () => client.end(),
        };
      });
    } finally {
      await db.close();
      await dropSchema(context.postgres.url, schema);
    }
  }
}

/** Loads the rows, logs each query's median time, then times the mix against the raw driver's keyset pages. */
async function measure(context, adapter, db, rows, openRaw) {
  const [{ loadSyntheticOverview, syntheticOverviewRow }, { OverviewQueries }, { encodeCursor }] = await Promise.all([
    load('orders/projections/synthetic-overview.js'),
    load('orders/projections/overview-queries.js'),
    load('orders/projections/overview-cursor.js'),
  ]);
  const loadStarted = process.hrtime.bigint();
  await loadSyntheticOverview(db, rows);
  context.log(`  ${rows} rows loaded in ${(Number(process.hrtime.bigint() - loadStarted) / 1e9).toFixed(1)} s`);

  const queries = new OverviewQueries(db);
  const middle = syntheticOverviewRow(Math.floor(rows / 2));
  const middleCursor = encodeCursor({
    sort: 'order_date',
    direction: 'desc',
    value: middle.firstSeenAt,
    stream: middle.stream,
  });
  // What the dashboard sends: its pages, filters, searches and counters, each as often as the others.
  const mix = [
    ['first page, newest first', () => queries.list({ limit: PAGE })],
    ['page in the middle (keyset)', () => queries.list({ limit: PAGE, cursor: middleCursor })],
    ['by order id', () => queries.list({ sort: 'marketplace_order_id', limit: PAGE })],
    ['not imported', () => queries.list({ importState: 'not_imported', limit: PAGE })],
    [
      'not shipped on one marketplace',
      () => queries.list({ actionState: 'failed', actionType: 'ship', marketplace: 'fnac', limit: PAGE }),
    ],
    ['stock not decremented', () => queries.list({ stockState: 'failed', limit: PAGE })],
    ['a month', () => queries.list({ orderDateFrom: '2024-03-01', orderDateTo: '2024-04-01', limit: PAGE })],
    ['search a customer', () => queries.list({ search: 'client42 martin', limit: PAGE })],
    ['search a common name', () => queries.list({ search: 'martin', limit: PAGE })],
    ['search an order id', () => queries.list({ search: middle.marketplaceOrderId.toLowerCase() })],
    ['counters', () => queries.counters()],
    ['counters of a search', () => queries.counters({ search: 'martin' })],
  ];

  // Each query alone, for the log: which one would be the dashboard's slow spot.
  const perQuery = [];
  for (const [label, query] of mix) {
    const times = [];
    for (let i = 0; i < 7; i++) {
      const started = process.hrtime.bigint();
      await query();
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    perQuery.push(`${label} ${median(times).toFixed(2)} ms`);
  }
  context.log(`  median of 7 per query: ${perQuery.join('; ')}`);

  const raw = await openRaw();
  try {
    const result = await alternate(
      context.rounds,
      [
        {
          key: 'raw',
          ops: mix.length * 20,
          open: () => ({ after: '' }),
          async run(state, n) {
            for (let i = 0; i < n; i++) {
              const page = await raw.page(state.after);
              state.after = page.length === PAGE ? page[PAGE - 1].stream : '';
            }
          },
        },
        {
          key: 'engine',
          ops: mix.length * 20,
          open: () => ({ next: 0 }),
          async run(state, n) {
            for (let i = 0; i < n; i++) {
              await mix[state.next][1]();
              state.next = (state.next + 1) % mix.length;
            }
          },
        },
      ],
      context.log,
      { slices: 4 },
    );
    context.row({
      id: `overview-queries.${adapter}.mix`,
      figure: `dashboard overview queries (mix), ${adapter}`,
      unit: 'queries/s',
      value: result.engine.rate,
      ratio: result.engine.ratio,
      baseline: {
        label: `raw keyset page of ${PAGE} (${adapter === 'sqlite' ? 'better-sqlite3' : 'node-postgres'})`,
        value: result.raw.rate,
      },
      details: { rows, perQuery, rounds: result },
    });
  } finally {
    await raw.close();
  }
}
