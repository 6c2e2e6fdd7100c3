import type { SqlDialect, SqlExecutor } from '../../database/sql-database.port.js';
import type { ProjectionTables } from '../../event-store/projections/projection.js';

/** Base names: the views readers and BI tools query (docs/read-models.md). */
export const OVERVIEW_TABLES = {
  overview: 'order_overview',
  shopOrders: 'order_overview_shop_orders',
  search: 'order_overview_search',
  counters: 'order_counters',
  /** Internal: the folded state per stream the projection continues from. Not part of the documented schema. */
  states: 'order_overview_states',
} as const;

export type OverviewTableBase = (typeof OVERVIEW_TABLES)[keyof typeof OVERVIEW_TABLES];
export type OverviewTables = ProjectionTables<OverviewTableBase>;

/** The sort key of "order date": the marketplace's date when known, else when the engine first saw the order. */
export const ORDER_DATE_SORT = 'COALESCE(order_date, first_seen_at)';

/**
 * Columns that are compared, sorted or range-searched use a binary collation on both databases (SQLite's default,
 * PostgreSQL's "C"), so ids, ISO timestamps and search terms order the same everywhere and keyset cursors and prefix
 * ranges stay exact whatever the database's locale.
 */
function types(dialect: SqlDialect) {
  return dialect === 'postgres'
    ? { key: 'TEXT COLLATE "C"', money: 'NUMERIC(19,4)' }
    : { key: 'TEXT', money: 'NUMERIC' };
}

/** Creates the tables and indexes of one generation; index names derive from the physical table names. */
export async function createOverviewSchema(tx: SqlExecutor, t: OverviewTables): Promise<void> {
  const { key, money } = types(tx.dialect);
  const o = t.order_overview;
  const statements = [
    `CREATE TABLE IF NOT EXISTS ${o} (
      stream ${key} PRIMARY KEY,
      marketplace ${key} NOT NULL,
      marketplace_label TEXT NOT NULL,
      marketplace_order_id ${key} NOT NULL,
      marketplace_status TEXT,
      lengow_status ${key},
      shop_order_ids TEXT NOT NULL,
      import_state ${key} NOT NULL,
      import_messages TEXT NOT NULL,
      import_ignore_code TEXT,
      import_retry TEXT,
      import_next_attempt_at ${key},
      ship_state ${key} NOT NULL,
      ship_messages TEXT NOT NULL,
      cancel_state ${key} NOT NULL,
      cancel_messages TEXT NOT NULL,
      refund_state ${key} NOT NULL,
      refund_messages TEXT NOT NULL,
      action_state ${key} NOT NULL,
      action_type TEXT,
      action_messages TEXT NOT NULL,
      action_waiting_since ${key},
      stock_state ${key} NOT NULL,
      stock_messages TEXT NOT NULL,
      stock_failure_code TEXT,
      progress ${key} NOT NULL,
      customer_name TEXT,
      delivery_country TEXT,
      total_amount ${money},
      currency TEXT,
      order_date ${key},
      first_seen_at ${key} NOT NULL,
      imported_at ${key},
      last_event_at ${key} NOT NULL,
      last_event_type TEXT NOT NULL,
      stream_revision INTEGER NOT NULL,
      last_position ${key} NOT NULL,
      unreadable_events INTEGER NOT NULL
    )`,
    // Sort orders of the list (the stream breaks ties, so keyset cursors are exact)…
    `CREATE INDEX IF NOT EXISTS ${o}_by_order_date ON ${o} ((${ORDER_DATE_SORT}), stream)`,
    `CREATE INDEX IF NOT EXISTS ${o}_by_last_event ON ${o} (last_event_at, stream)`,
    `CREATE INDEX IF NOT EXISTS ${o}_by_order_id ON ${o} (marketplace_order_id, stream)`,
    // …and the dashboard's filters, each followed by the default sort so a filtered first page needs no sort step.
    `CREATE INDEX IF NOT EXISTS ${o}_by_import_state ON ${o} (import_state, (${ORDER_DATE_SORT}), stream)`,
    `CREATE INDEX IF NOT EXISTS ${o}_by_action_state ON ${o} (action_state, (${ORDER_DATE_SORT}), stream)`,
    `CREATE INDEX IF NOT EXISTS ${o}_by_marketplace ON ${o} (marketplace, (${ORDER_DATE_SORT}), stream)`,
    `CREATE INDEX IF NOT EXISTS ${o}_by_lengow_status ON ${o} (lengow_status, (${ORDER_DATE_SORT}), stream)`,
    `CREATE INDEX IF NOT EXISTS ${o}_by_stock_state ON ${o} (stock_state, (${ORDER_DATE_SORT}), stream)`,

    `CREATE TABLE IF NOT EXISTS ${t.order_overview_shop_orders} (
      stream ${key} NOT NULL,
      shop_order_id ${key} NOT NULL,
      PRIMARY KEY (stream, shop_order_id)
    )`,
    `CREATE INDEX IF NOT EXISTS ${t.order_overview_shop_orders}_by_shop_order
       ON ${t.order_overview_shop_orders} (shop_order_id)`,

    `CREATE TABLE IF NOT EXISTS ${t.order_overview_search} (
      term ${key} NOT NULL,
      stream ${key} NOT NULL,
      PRIMARY KEY (term, stream)
    )`,
    `CREATE INDEX IF NOT EXISTS ${t.order_overview_search}_by_stream ON ${t.order_overview_search} (stream)`,

    `CREATE TABLE IF NOT EXISTS ${t.order_counters} (
      marketplace ${key} NOT NULL,
      lengow_status ${key} NOT NULL,
      import_state ${key} NOT NULL,
      action_state ${key} NOT NULL,
      progress ${key} NOT NULL,
      orders INTEGER NOT NULL,
      PRIMARY KEY (marketplace, lengow_status, import_state, action_state, progress)
    )`,

    `CREATE TABLE IF NOT EXISTS ${t.order_overview_states} (
      stream ${key} PRIMARY KEY,
      revision INTEGER NOT NULL,
      fold TEXT NOT NULL
    )`,
  ];
  for (const statement of statements) await tx.execute(statement);
}
