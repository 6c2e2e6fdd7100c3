import Database from 'better-sqlite3';
import { join } from 'node:path';
import { alternate, median } from '../lib/measure.js';
import { loadEngineModule } from '../lib/engine-dist.js';

export const name = 'overview-queries';
export const description =
  "The dashboard's overview queries (list pages, filters, searches, counters) on BENCH_OVERVIEW_ROWS (100 000) " +
  'synthetic orders in SQLite, against raw better-sqlite3 keyset pages of 50 rows of the same table: queries/s';

const load = loadEngineModule;

/** A page as the dashboard asks for it. */
const PAGE = 50;

export async function run(context) {
  const rows = context.size('OVERVIEW_ROWS', 100_000);
  const [{ SqliteDatabase }, { loadSyntheticOverview, syntheticOverviewRow }, { OverviewQueries }, { encodeCursor }] =
    await Promise.all([
      load('database/sqlite-database.js'),
      load('orders/projections/synthetic-overview.js'),
      load('orders/projections/overview-queries.js'),
      load('orders/projections/overview-cursor.js'),
    ]);
  const file = join(context.tmpDir, 'overview-queries.sqlite');
  const db = new SqliteDatabase({ path: file });
  try {
    const loadStarted = process.hrtime.bigint();
    await loadSyntheticOverview(db, rows);
    const loadSeconds = Number(process.hrtime.bigint() - loadStarted) / 1e9;
    context.log(`  ${rows} overview rows loaded in ${loadSeconds.toFixed(1)} s`);

    const queries = new OverviewQueries(db);
    const middle = syntheticOverviewRow(Math.floor(rows / 2));
    // What the dashboard sends: its pages, filters, searches and counters, each as often as the others.
    const mix = [
      ['first page, newest first', () => queries.list({ limit: PAGE })],
      [
        'page in the middle (keyset)',
        () =>
          queries.list({
            limit: PAGE,
            cursor: encodeCursor({
              sort: 'order_date',
              direction: 'desc',
              value: middle.firstSeenAt,
              stream: middle.stream,
            }),
          }),
      ],
      ['by order id', () => queries.list({ sort: 'marketplace_order_id', limit: PAGE })],
      ['not imported', () => queries.list({ importState: 'not_imported', limit: PAGE })],
      [
        'not shipped on one marketplace',
        () => queries.list({ actionState: 'failed', actionType: 'ship', marketplace: 'fnac', limit: PAGE }),
      ],
      ['stock not decremented', () => queries.list({ stockState: 'failed', limit: PAGE })],
      ['a month', () => queries.list({ orderDateFrom: '2024-03-01', orderDateTo: '2024-04-01', limit: PAGE })],
      ['search a customer', () => queries.list({ search: 'client42 martin', limit: PAGE })],
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

    const raw = new Database(file, { readonly: true });
    const keyset = raw.prepare(`SELECT * FROM order_overview WHERE stream > ? ORDER BY stream LIMIT ${PAGE}`);
    const result = await alternate(
      context.rounds,
      [
        {
          key: 'raw',
          ops: mix.length * 20,
          open: () => ({ after: '' }),
          run(state, n) {
            for (let i = 0; i < n; i++) {
              const page = keyset.all(state.after);
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
    raw.close();
    context.row({
      id: 'overview-queries.sqlite.mix',
      figure: 'dashboard overview queries (mix), sqlite',
      unit: 'queries/s',
      value: result.engine.rate,
      ratio: result.engine.ratio,
      baseline: { label: `raw keyset page of ${PAGE} (better-sqlite3)`, value: result.raw.rate },
      details: { rows, perQuery, rounds: result },
    });
  } finally {
    await db.close();
  }
}
