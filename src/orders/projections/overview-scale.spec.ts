import type { SqlDatabase, SqlParam } from '../../database/sql-database.port.js';
import { checkPostgres, describeWithService } from '../../../test/support/services.js';
import type { OrderOverview } from './order-overview.js';
import { encodeOverview, OVERVIEW_COLUMN_LIST } from './overview-codec.js';
import { encodeCursor } from './overview-cursor.js';
import { counterKey } from './overview-projection.js';
import { OverviewQueries } from './overview-queries.js';
import type { OverviewListQuery } from './overview-query.js';
import { createOverviewSchema, OVERVIEW_TABLES, type OverviewTables } from './overview-schema.js';
import { searchTermsOf } from './search-terms.js';
import { openPostgres, openSqlite, type OpenReadSide, type ReadSideDatabases } from './testing/read-side-databases.js';

const postgres = await checkPostgres();
const ROWS = 100_000;
const MARKETPLACES = ['amazon_fr', 'cdiscount', 'laredoute', 'fnac', 'manomano', 'veepee'];
const NAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau'];

/** A synthetic but plausible row: skewed states (mostly imported, a few not imported or failed), a year of dates. */
function syntheticRow(i: number): OrderOverview {
  const at = new Date(Date.UTC(2024, 0, 1) + i * 311_000).toISOString();
  const importState = i % 50 === 0 ? 'not_imported' : i % 37 === 0 ? 'ignored' : i % 101 === 0 ? 'pending' : 'imported';
  const actionState =
    importState !== 'imported'
      ? 'none'
      : i % 29 === 0
        ? 'failed'
        : i % 7 === 0
          ? 'waiting'
          : i % 3 === 0
            ? 'done'
            : 'none';
  const marketplace = MARKETPLACES[i % MARKETPLACES.length]!;
  const id = `${marketplace.slice(0, 2).toUpperCase()}-${String(i).padStart(8, '0')}`;
  return {
    stream: `order-${marketplace}-${id}`,
    marketplace,
    marketplaceLabel: marketplace,
    marketplaceOrderId: id,
    marketplaceStatus: 'ToShip',
    lengowStatus: i % 11 === 0 ? 'shipped' : 'waiting_shipment',
    shopOrderIds: importState === 'imported' ? [`SO-${i}`] : [],
    importState,
    importMessages: importState === 'not_imported' ? ['product 1001 could not be found'] : [],
    importIgnoreCode: null,
    importRetry: importState === 'not_imported' ? 'after_fix' : null,
    importNextAttemptAt: null,
    shipState: actionState,
    shipMessages: actionState === 'failed' ? ["can't send action: tracking_number is required"] : [],
    cancelState: 'none',
    cancelMessages: [],
    refundState: 'none',
    refundMessages: [],
    actionState,
    actionType: actionState === 'none' ? null : 'ship',
    actionMessages: actionState === 'failed' ? ["can't send action: tracking_number is required"] : [],
    actionWaitingSince: actionState === 'waiting' ? at : null,
    stockState: importState !== 'imported' ? 'none' : i % 97 === 0 ? 'failed' : 'done',
    stockMessages: importState === 'imported' && i % 97 === 0 ? ['product 1001: 2 ordered, 1 in stock'] : [],
    stockFailureCode: importState === 'imported' && i % 97 === 0 ? 'STOCK_SHORTFALL' : null,
    progress: i % 11 === 0 ? 'closed' : 'in_progress',
    customerName: `Client${i % 997} ${NAMES[i % NAMES.length]}`,
    deliveryCountry: 'FR',
    totalAmount: (i % 500) + 0.99,
    currency: 'EUR',
    orderDate: null,
    firstSeenAt: at,
    importedAt: importState === 'imported' ? at : null,
    lastEventAt: at,
    lastEventType: 'OrderImported',
    streamRevision: 1,
    lastPosition: String(i * 2).padStart(19, '0'),
    unreadableEvents: 0,
  } satisfies OrderOverview;
}

/** Loads the tables directly (base names as plain tables): the query cost, not the projection, is measured here. */
async function load(db: SqlDatabase): Promise<void> {
  const tables = Object.fromEntries(Object.values(OVERVIEW_TABLES).map((t) => [t, t])) as OverviewTables;
  await db.transaction((tx) => createOverviewSchema(tx, tables));
  const counters = new Map<string, number>();
  const columns = OVERVIEW_COLUMN_LIST.split(', ').length;
  const chunk = 1000;
  for (let start = 0; start < ROWS; start += chunk) {
    const rows = Array.from({ length: Math.min(chunk, ROWS - start) }, (_, k) => syntheticRow(start + k));
    for (const row of rows)
      counters.set(counterKey(row).join('\u0000'), (counters.get(counterKey(row).join('\u0000')) ?? 0) + 1);
    await db.transaction(async (tx) => {
      await insertMany(tx, OVERVIEW_TABLES.overview, OVERVIEW_COLUMN_LIST, columns, rows.map(encodeOverview));
      const shop = rows.flatMap((row) => row.shopOrderIds.map((id): SqlParam[] => [row.stream, id]));
      await insertMany(tx, OVERVIEW_TABLES.shopOrders, 'stream, shop_order_id', 2, shop);
      const terms = rows.flatMap((row) => searchTermsOf(row).map((term): SqlParam[] => [term, row.stream]));
      await insertMany(tx, OVERVIEW_TABLES.search, 'term, stream', 2, terms);
    });
  }
  await insertMany(
    db,
    OVERVIEW_TABLES.counters,
    'marketplace, lengow_status, import_state, action_state, progress, orders',
    6,
    [...counters].map(([key, n]) => [...key.split('\u0000'), n]),
  );
  // Statistics as a long-running database would have them.
  await db.execute('ANALYZE');
}

async function insertMany(
  ex: Pick<SqlDatabase, 'execute'>,
  table: string,
  columnList: string,
  width: number,
  rows: SqlParam[][],
): Promise<void> {
  // SQLite binds at most 32 766 parameters per statement.
  const perStatement = Math.floor(30_000 / width);
  for (let start = 0; start < rows.length; start += perStatement) {
    const slice = rows.slice(start, start + perStatement);
    const values = slice.map(
      (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`,
    );
    await ex.execute(`INSERT INTO ${table} (${columnList}) VALUES ${values.join(', ')}`, slice.flat());
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

function scaleSuite(open: OpenReadSide): void {
  let sides: ReadSideDatabases;
  let queries: OverviewQueries;

  beforeAll(async () => {
    sides = await open();
    await load(sides.db);
    queries = new OverviewQueries(sides.db);
  }, 300_000);

  afterAll(() => sides?.cleanup());

  // Speed is not asserted here (the machines are shared and noisy): what keeps these queries fast at any size is that
  // each is planned on an index, which the plan tests below check; the timings are printed for whoever looks.
  it(`answers the dashboard's queries on ${ROWS} orders`, async () => {
    const middle = syntheticRow(ROWS / 2);
    const cases: [string, () => Promise<unknown>][] = [
      ['first page, newest first', () => queries.list({ limit: 50 })],
      [
        'page in the middle (keyset)',
        () =>
          queries.list({
            limit: 50,
            cursor: encodeCursor({
              sort: 'order_date',
              direction: 'desc',
              value: middle.firstSeenAt,
              stream: middle.stream,
            }),
          }),
      ],
      ['by order id, ascending', () => queries.list({ sort: 'marketplace_order_id', limit: 50 })],
      ['by last event', () => queries.list({ sort: 'last_event_at', direction: 'asc', limit: 50 })],
      ['not imported', () => queries.list({ importState: 'not_imported', limit: 50 })],
      [
        'not shipped on one marketplace',
        () => queries.list({ actionState: 'failed', actionType: 'ship', marketplace: 'fnac', limit: 50 }),
      ],
      ['Lengow status shipped', () => queries.list({ lengowStatus: 'shipped', limit: 50 })],
      ['stock not decremented', () => queries.list({ stockState: 'failed', limit: 50 })],
      ['a month', () => queries.list({ orderDateFrom: '2024-03-01', orderDateTo: '2024-04-01', limit: 50 })],
      ['search a customer', () => queries.list({ search: 'client42 martin', limit: 50 })],
      ['search an order id', () => queries.list({ search: middle.marketplaceOrderId.toLowerCase() })],
      ['search a shop order id', () => queries.list({ search: 'so-50001' })],
      ['counters', () => queries.counters()],
      ['counters of one marketplace', () => queries.counters({ marketplace: 'amazon_fr' })],
      ['counters of a search', () => queries.counters({ search: 'martin' })],
      ['count of a month', () => queries.count({ orderDateFrom: '2024-03-01', orderDateTo: '2024-04-01' })],
    ];
    const timings: string[] = [];
    for (const [name, work] of cases) {
      const { ms, result } = await timed(work);
      timings.push(`${name}: ${ms.toFixed(1)} ms`);
      expect({ name, answered: result !== undefined }).toEqual({ name, answered: true });
    }
    console.info(`overview on ${ROWS} rows (${sides.db.dialect}):\n  ${timings.join('\n  ')}`);

    // And the answers are right, not just fast.
    const counters = await queries.counters();
    expect(counters.total).toBe(ROWS);
    expect(counters.importState.not_imported).toBe(ROWS / 50);
    const page = await queries.list({ search: 'client42 martin', limit: 500 });
    expect(page.items.length).toBeGreaterThan(0);
    // Prefix semantics: "client42" also finds Client420…Client429.
    expect(page.items.some((row) => row.customerName === 'Client42 Martin')).toBe(true);
    expect(page.items.every((row) => /^client42\d* martin$/.test(row.customerName!.toLowerCase()))).toBe(true);
    const month = await queries.list({ orderDateFrom: '2024-03-01', orderDateTo: '2024-04-01', limit: 500 });
    expect(month.items.every((row) => row.firstSeenAt >= '2024-03-01' && row.firstSeenAt < '2024-04-01')).toBe(true);
  }, 120_000);

  it(`plans every list query in index order on ${ROWS} rows: no table scan, no sort step`, async () => {
    const plans: OverviewListQuery[] = [
      {},
      { sort: 'marketplace_order_id' },
      { sort: 'last_event_at', direction: 'asc' },
      { importState: 'not_imported' },
      { marketplace: 'fnac' },
      { actionState: 'failed' },
      { lengowStatus: 'shipped' },
      { stockState: 'failed' },
    ];
    const sqlite = sides.db.dialect === 'sqlite';
    const explained: string[] = [];
    const spy = {
      dialect: sides.db.dialect,
      execute: sides.db.execute.bind(sides.db),
      query: async <Row>(sql: string, params?: SqlParam[]) => {
        const rows = await sides.db.query<Record<string, string>>(
          `${sqlite ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN'} ${sql}`,
          params,
        );
        explained.push(rows.map((row) => (sqlite ? row.detail : row['QUERY PLAN'])).join(' | '));
        return [] as Row[];
      },
    };
    const explaining = new OverviewQueries(spy);
    for (const query of plans) {
      explained.length = 0;
      await explaining.list({ ...query, limit: 50 });
      const plan = { query, plan: explained[0] };
      if (sqlite) {
        expect(plan).toEqual({ query, plan: expect.stringMatching(/USING (COVERING )?INDEX order_overview_by_/) });
        expect(plan).not.toEqual({ query, plan: expect.stringMatching(/TEMP B-TREE/) });
      } else {
        expect(plan).toEqual({
          query,
          plan: expect.stringMatching(/Index (Only )?Scan( Backward)? using order_overview_by_/),
        });
        expect(plan).not.toEqual({ query, plan: expect.stringMatching(/Seq Scan|Sort/) });
      }
    }
  });
}

describe('order overview at scale on SQLite', () => scaleSuite(openSqlite));
describeWithService(postgres, 'order overview at scale on PostgreSQL', () => scaleSuite(openPostgres));
