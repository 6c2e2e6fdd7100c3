import type { SqlDatabase, SqlParam } from '../../database/sql-database.port.js';
import type { OrderOverview } from './order-overview.js';
import { encodeOverview, OVERVIEW_COLUMN_LIST } from './overview-codec.js';
import { counterKey } from './overview-projection.js';
import { createOverviewSchema, OVERVIEW_TABLES, type OverviewTables } from './overview-schema.js';
import { searchTermsOf } from './search-terms.js';

/*
 * A dashboard's worth of overview rows without running an import: the scale spec checks the queries' plans and
 * answers on them, and `npm run bench` (overview-queries) times the queries on them. Shipped with the engine (not
 * under testing/) because the benchmark runs the compiled engine.
 */

const MARKETPLACES = ['amazon_fr', 'cdiscount', 'laredoute', 'fnac', 'manomano', 'veepee'];
const NAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau'];

/** A synthetic but plausible row: skewed states (mostly imported, a few not imported or failed), a year of dates. */
export function syntheticOverviewRow(i: number): OrderOverview {
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
  // About 1 % of the imported orders: two in three short of stock, one in three naming a product the shop deleted.
  const stockFailure =
    importState !== 'imported' || i % 97 !== 0
      ? null
      : i % 3 === 0
        ? { code: 'PRODUCT_NOT_IN_SHOP' as const, message: 'product 1001 is no longer in the shop catalogue' }
        : { code: 'STOCK_SHORTFALL' as const, message: 'product 1001: 2 ordered, 1 in stock' };
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
    stockState: importState !== 'imported' ? 'none' : stockFailure ? 'failed' : 'done',
    stockMessages: stockFailure ? [stockFailure.message] : [],
    stockFailureCode: stockFailure?.code ?? null,
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

/**
 * Loads `count` synthetic orders into the overview's tables, created under their base names as plain tables, with
 * their counters and statistics: the queries' cost is what is looked at, not the projection's.
 */
export async function loadSyntheticOverview(db: SqlDatabase, count: number): Promise<void> {
  const tables = Object.fromEntries(Object.values(OVERVIEW_TABLES).map((t) => [t, t])) as OverviewTables;
  await db.transaction((tx) => createOverviewSchema(tx, tables));
  const counters = new Map<string, number>();
  const columns = OVERVIEW_COLUMN_LIST.split(', ').length;
  const chunk = 1000;
  for (let start = 0; start < count; start += chunk) {
    const rows = Array.from({ length: Math.min(chunk, count - start) }, (_, k) => syntheticOverviewRow(start + k));
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
