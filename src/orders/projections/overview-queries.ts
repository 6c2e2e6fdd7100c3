import type { SqlExecutor } from '../../database/sql-database.port.js';
import { orderStreamName } from '../domain/order-key.js';
import { STOCK_DECREMENT_FAILURE_CODES, type StockDecrementFailureCode } from '../domain/stock-decrement-failure.js';
import { marketplaceLabel, type MarketplaceLabeler } from './marketplace-label.js';
import {
  ACTION_STATES,
  IMPORT_STATES,
  PROGRESS_STATES,
  type ActionStateValue,
  type ImportStateValue,
  type OrderOverview,
  type ProgressValue,
} from './order-overview.js';
import { decodeOverview } from './overview-codec.js';
import { OverviewFilterUnavailable } from './overview-filter-unavailable.error.js';
import { decodeCursor, encodeCursor } from './overview-cursor.js';
import {
  normaliseFilter,
  normaliseListQuery,
  type NormalisedFilter,
  type NormalisedListQuery,
  type OverviewFilter,
  type OverviewListQuery,
} from './overview-query.js';
import { OVERVIEW_TABLES } from './overview-schema.js';
import { planSearch, searchCondition, type SearchCondition } from './overview-search-plan.js';
import {
  counterConditions,
  countersCanAnswer,
  FAILED_STOCK,
  filterConditions,
  SORT_EXPRESSIONS,
  sortValueOf,
  SqlParams,
  where,
} from './overview-sql.js';

export interface OverviewPage {
  items: OrderOverview[];
  /** Pass it back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface StateCounts {
  total: number;
  importState: Record<ImportStateValue, number>;
  actionState: Record<ActionStateValue, number>;
  progress: Record<ProgressValue, number>;
}

export interface OverviewCounters extends StateCounts {
  /**
   * Orders whose stock was not decremented (`stockState: 'failed'`) among those the filter matches: the dashboard's
   * "Stock not decremented" state. Null while an upgrade's rebuild still serves tables from before the stock columns.
   */
  stockFailed: number | null;
  /**
   * `stockFailed` by failure code, which says what to fix: every code of the domain, 0 when none (a code written by a
   * newer version is counted under its own name). Their sum is `stockFailed`. Null while an upgrade's rebuild still
   * serves tables from before the failure code column (version 4), when the failed orders cannot be told apart.
   */
  stockFailedByCode: Record<StockDecrementFailureCode, number> | null;
  /**
   * The totals of each marketplace with matching orders, and its share of `stockFailed` (null when that is): the
   * shares sum to `stockFailed`.
   */
  marketplaces: (StateCounts & { marketplace: string; label: string; stockFailed: number | null })[];
  lengowStatuses: { lengowStatus: string | null; total: number }[];
}

/** The failed orders under a filter, by marketplace and failure code; each part null when the tables cannot tell. */
interface StockFailures {
  total: number | null;
  byCode: Record<string, number> | null;
  byMarketplace: Map<string, number> | null;
}

const { overview: OVERVIEW, shopOrders: SHOP_ORDERS, counters: COUNTERS } = OVERVIEW_TABLES;

/**
 * Rows are read whole rather than by OVERVIEW_COLUMNS: after an upgrade that adds columns, the views keep pointing at
 * the previous version's tables until its rebuild switches, and the list must keep answering meanwhile (the added
 * fields decode as unknown: null, or an empty list).
 */
const ROW = '*';

/**
 * Filters on columns a version of the overview added, with the query field that names them and the added columns
 * its SQL reads. While the upgrade's rebuild runs, the views still show the previous version's tables, and SQL on a
 * missing column fails; the caller then hears which filter must wait instead of a server error.
 */
const ADDED_COLUMN_FILTERS = [
  { field: 'stockState', columns: ['stock_state'], used: (f: NormalisedFilter) => !!f.stockStates },
  // Also reads stock_state (version 3): its SQL narrows to the failed orders first (overview-sql.ts).
  {
    field: 'stockFailureCode',
    columns: ['stock_failure_code', 'stock_state'],
    used: (f: NormalisedFilter) => !!f.stockFailureCodes,
  },
];

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function whileUpgrading<T>(filter: NormalisedFilter, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const message = messageOf(error);
    for (const { field, columns, used } of ADDED_COLUMN_FILTERS) {
      const column = used(filter) ? columns.find((name) => message.includes(name)) : undefined;
      if (column) throw new OverviewFilterUnavailable(field, column);
    }
    throw error;
  }
}

/**
 * Reads the order overview through its base-name views (they always point at the live generation, also across a
 * rebuild's switch). Lists are keyset-paginated: a cursor holds the last row's sort value and stream, so a page costs
 * one index range scan whatever its depth, and rows inserted meanwhile never shift or repeat the pages after it.
 */
export class OverviewQueries {
  constructor(
    private readonly db: SqlExecutor,
    private readonly label: MarketplaceLabeler = marketplaceLabel,
  ) {}

  async list(query?: OverviewListQuery): Promise<OverviewPage> {
    const normalised = normaliseListQuery(query);
    return whileUpgrading(normalised.filter, () => this.listPage(normalised));
  }

  private async listPage({ filter, sort, direction, limit, cursor }: NormalisedListQuery): Promise<OverviewPage> {
    const params = new SqlParams();
    const plan = await planSearch(this.db, filter.searchWords, limit + 1);
    const conditions = filterConditions(filter, params, searchCondition(plan, this.db.dialect, 'page'));
    const expression = SORT_EXPRESSIONS[sort];
    if (cursor !== null) {
      const after = decodeCursor(cursor, sort, direction);
      const comparison = direction === 'asc' ? '>' : '<';
      const value = params.add(after.value);
      // The first comparison is implied by the second; it is what SQLite starts its index range at (it reads a row
      // value comparison only as a filter), so a page deep in the list is read from its cursor, not from the top.
      conditions.push(
        `${expression} ${comparison}= ${value}`,
        `(${expression}, stream) ${comparison} (${value}, ${params.add(after.stream)})`,
      );
    }
    const order = direction === 'asc' ? 'ASC' : 'DESC';
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT ${ROW} FROM ${OVERVIEW} ${where(conditions)}
        ORDER BY ${expression} ${order}, stream ${order} LIMIT ${limit + 1}`,
      params.values,
    );
    const items = rows.slice(0, limit).map(decodeOverview);
    const last = items.at(-1);
    const nextCursor =
      rows.length > limit && last
        ? encodeCursor({ sort, direction, value: sortValueOf(last, sort), stream: last.stream })
        : null;
    return { items, nextCursor };
  }

  /** Orders matching a filter. */
  async count(filter?: OverviewFilter): Promise<number> {
    const normalised = normaliseFilter(filter);
    return whileUpgrading(normalised, () => this.countOf(normalised));
  }

  private async countOf(normalised: NormalisedFilter): Promise<number> {
    const params = new SqlParams();
    if (countersCanAnswer(normalised)) {
      const [row] = await this.db.query<{ n: number | string | null }>(
        `SELECT SUM(orders) AS n FROM ${COUNTERS} ${where(counterConditions(normalised, params))}`,
        params.values,
      );
      return Number(row?.n ?? 0);
    }
    const conditions = filterConditions(normalised, params, await this.countSearch(normalised));
    const [row] = await this.db.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM ${OVERVIEW} ${where(conditions)}`,
      params.values,
    );
    return Number(row?.n ?? 0);
  }

  /**
   * Totals by import state, action state, progress, marketplace and Lengow status, and the orders whose stock was not
   * decremented. Filters on the first five are answered from `order_counters` (a few hundred rows, kept by the
   * projection); a date range, a search or an action type falls back to a GROUP BY over the matching rows.
   */
  async counters(filter?: OverviewFilter): Promise<OverviewCounters> {
    const normalised = normaliseFilter(filter);
    return whileUpgrading(normalised, () => this.countersOf(normalised));
  }

  private async countersOf(normalised: NormalisedFilter): Promise<OverviewCounters> {
    const params = new SqlParams();
    const search = await this.countSearch(normalised);
    let buckets: CounterBucket[];
    if (countersCanAnswer(normalised)) {
      buckets = await this.db.query<CounterBucket>(
        `SELECT marketplace, lengow_status, import_state, action_state, progress, orders
           FROM ${COUNTERS} ${where(counterConditions(normalised, params))}`,
        params.values,
      );
    } else {
      buckets = await this.db.query<CounterBucket>(
        `SELECT marketplace, COALESCE(lengow_status, '') AS lengow_status, import_state, action_state, progress,
                COUNT(*) AS orders
           FROM ${OVERVIEW} ${where(filterConditions(normalised, params, search))}
          GROUP BY marketplace, COALESCE(lengow_status, ''), import_state, action_state, progress`,
        params.values,
      );
    }
    return this.aggregate(buckets, await this.stockFailuresOf(normalised, search));
  }

  /**
   * `order_counters` has no stock dimension, and adding one would take a schema version and a rebuild. The failed
   * orders are a small range of _by_stock_state, though: one GROUP BY under the filter reads that range, and splits it
   * by marketplace and failure code.
   */
  private async stockFailuresOf(filter: NormalisedFilter, search: SearchCondition): Promise<StockFailures> {
    const params = new SqlParams();
    const conditions = filterConditions(filter, params, search);
    if (!conditions.includes(FAILED_STOCK)) conditions.unshift(FAILED_STOCK);
    const count = (groups: string) =>
      this.db.query<{ marketplace: string; stock_failure_code?: string | null; n: number | string }>(
        `SELECT ${groups}, COUNT(*) AS n FROM ${OVERVIEW} ${where(conditions)} GROUP BY ${groups}`,
        params.values,
      );
    let rows: Awaited<ReturnType<typeof count>>;
    let byCode: Record<string, number> | null = null;
    try {
      try {
        rows = await count('marketplace, stock_failure_code');
        byCode = Object.fromEntries(STOCK_DECREMENT_FAILURE_CODES.map((code) => [code, 0]));
      } catch (error) {
        // Version 3's tables (an upgrade to version 4 still rebuilding): failed orders, but not why.
        if (!messageOf(error).includes('stock_failure_code')) throw error;
        rows = await count('marketplace');
      }
    } catch (error) {
      // A generation from before the stock columns (an upgrade still rebuilding): the other totals still answer, and
      // "unknown" is not "none".
      if (messageOf(error).includes('stock_state')) return { total: null, byCode: null, byMarketplace: null };
      throw error;
    }
    let total = 0;
    const byMarketplace = new Map<string, number>();
    for (const row of rows) {
      const n = Number(row.n);
      total += n;
      byMarketplace.set(row.marketplace, (byMarketplace.get(row.marketplace) ?? 0) + n);
      if (byCode && row.stock_failure_code != null) {
        byCode[row.stock_failure_code] = (byCode[row.stock_failure_code] ?? 0) + n;
      }
    }
    return { total, byCode, byMarketplace };
  }

  private async countSearch(filter: NormalisedFilter): Promise<SearchCondition> {
    return searchCondition(await planSearch(this.db, filter.searchWords, null), this.db.dialect, 'count');
  }

  async get(key: { marketplace: string; marketplaceOrderId: string }): Promise<OrderOverview | null> {
    if (typeof key?.marketplace !== 'string' || typeof key.marketplaceOrderId !== 'string') return null;
    // The same normalisation as the domain's order key, so `Amazon_FR` finds `amazon_fr`.
    const marketplace = key.marketplace.trim().toLowerCase();
    const marketplaceOrderId = key.marketplaceOrderId.trim();
    if (marketplace === '' || marketplaceOrderId === '') return null;
    return this.getByStream(orderStreamName({ marketplace, marketplaceOrderId }));
  }

  async getByStream(stream: string): Promise<OrderOverview | null> {
    // No stored row holds a NUL (encodeOverview drops them), and PostgreSQL would refuse it as a parameter.
    if (typeof stream !== 'string' || stream.includes('\u0000')) return null;
    const [row] = await this.db.query<Record<string, unknown>>(`SELECT ${ROW} FROM ${OVERVIEW} WHERE stream = $1`, [
      stream,
    ]);
    return row ? decodeOverview(row) : null;
  }

  /** The order (normally one) whose current shop orders include this id. */
  async findByShopOrderId(shopOrderId: string): Promise<OrderOverview[]> {
    if (typeof shopOrderId !== 'string' || shopOrderId === '') return [];
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT ${ROW} FROM ${OVERVIEW}
        WHERE stream IN (SELECT stream FROM ${SHOP_ORDERS} WHERE shop_order_id = $1) ORDER BY stream`,
      [shopOrderId],
    );
    return rows.map(decodeOverview);
  }

  private aggregate(buckets: readonly CounterBucket[], stock: StockFailures): OverviewCounters {
    const totals = emptyCounts();
    const byMarketplace = new Map<string, StateCounts>();
    const byStatus = new Map<string, number>();
    for (const bucket of buckets) {
      const orders = Number(bucket.orders);
      if (!(orders > 0)) continue;
      const marketplace = byMarketplace.get(bucket.marketplace) ?? emptyCounts();
      byMarketplace.set(bucket.marketplace, marketplace);
      for (const counts of [totals, marketplace]) addTo(counts, bucket, orders);
      byStatus.set(bucket.lengow_status, (byStatus.get(bucket.lengow_status) ?? 0) + orders);
    }
    return {
      ...totals,
      stockFailed: stock.total,
      stockFailedByCode: stock.byCode as Record<StockDecrementFailureCode, number> | null,
      // From the buckets only: a marketplace with failed orders has rows, so it is there.
      marketplaces: [...byMarketplace]
        .map(([marketplace, counts]) => ({
          marketplace,
          label: this.label(marketplace),
          ...counts,
          stockFailed: stock.byMarketplace ? (stock.byMarketplace.get(marketplace) ?? 0) : null,
        }))
        .sort((a, b) => b.total - a.total || (a.marketplace < b.marketplace ? -1 : 1)),
      lengowStatuses: [...byStatus]
        .map(([status, total]) => ({ lengowStatus: status === '' ? null : status, total }))
        .sort((a, b) => b.total - a.total || String(a.lengowStatus).localeCompare(String(b.lengowStatus))),
    };
  }
}

interface CounterBucket {
  marketplace: string;
  lengow_status: string;
  import_state: ImportStateValue;
  action_state: ActionStateValue;
  progress: ProgressValue;
  orders: number | string;
}

function emptyCounts(): StateCounts {
  const zeros = <T extends string>(values: readonly T[]) =>
    Object.fromEntries(values.map((value) => [value, 0])) as Record<T, number>;
  return {
    total: 0,
    importState: zeros(IMPORT_STATES),
    actionState: zeros(ACTION_STATES),
    progress: zeros(PROGRESS_STATES),
  };
}

function addTo(counts: StateCounts, bucket: CounterBucket, orders: number): void {
  counts.total += orders;
  // A state written by a newer version of the projection is still counted in the total, never dropped silently.
  if (bucket.import_state in counts.importState) counts.importState[bucket.import_state] += orders;
  if (bucket.action_state in counts.actionState) counts.actionState[bucket.action_state] += orders;
  if (bucket.progress in counts.progress) counts.progress[bucket.progress] += orders;
}
