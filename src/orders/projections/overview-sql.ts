import type { SqlParam } from '../../database/sql-database.port.js';
import type { OrderOverview } from './order-overview.js';
import type { NormalisedFilter, OverviewSort } from './overview-query.js';
import { ORDER_DATE_SORT } from './overview-schema.js';
import type { SearchCondition } from './overview-search-plan.js';

/** Collects bound parameters while SQL is assembled, handing out `$n` placeholders. */
export class SqlParams {
  readonly values: SqlParam[] = [];

  add(value: SqlParam): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  list(values: readonly SqlParam[]): string {
    return values.map((value) => this.add(value)).join(', ');
  }
}

/** The SQL expression each sort orders by; the stream is appended as tie-breaker. */
export const SORT_EXPRESSIONS: Readonly<Record<OverviewSort, string>> = {
  order_date: ORDER_DATE_SORT,
  last_event_at: 'last_event_at',
  marketplace_order_id: 'marketplace_order_id',
};

/** The sort value of a row, as the cursor stores it (the same value the SQL expression yields). */
export function sortValueOf(row: OrderOverview, sort: OverviewSort): string {
  switch (sort) {
    case 'order_date':
      return row.orderDate ?? row.firstSeenAt;
    case 'last_event_at':
      return row.lastEventAt;
    case 'marketplace_order_id':
      return row.marketplaceOrderId;
  }
}

/** The failed orders: a small range of _by_stock_state, which filters and counts on stock failures start from. */
export const FAILED_STOCK = `stock_state = 'failed'`;

/** WHERE conditions (ANDed) over `order_overview` for a filter; an empty list means every row. */
export function filterConditions(
  filter: NormalisedFilter,
  params: SqlParams,
  searchCondition: SearchCondition,
): string[] {
  const conditions: string[] = [];
  if (filter.importStates) conditions.push(`import_state IN (${params.list(filter.importStates)})`);
  if (filter.actionStates) {
    // The column name comes from a validated enum, never from the caller's text.
    const column = filter.actionType ? `${filter.actionType}_state` : 'action_state';
    conditions.push(`${column} IN (${params.list(filter.actionStates)})`);
  } else if (filter.actionType) {
    conditions.push(`${filter.actionType}_state <> 'none'`);
  }
  if (filter.stockStates) conditions.push(`stock_state IN (${params.list(filter.stockStates)})`);
  if (filter.stockFailureCodes) {
    // Only a failed decrement has a code. Saying so lets both databases read the few failed orders off
    // _by_stock_state, in order-date order, and check their code: the code needs no index (and no rebuild) of its own.
    conditions.push(FAILED_STOCK, `stock_failure_code IN (${params.list(filter.stockFailureCodes)})`);
  }
  if (filter.marketplaces) conditions.push(`marketplace IN (${params.list(filter.marketplaces)})`);
  if (filter.lengowStatuses) conditions.push(`lengow_status IN (${params.list(filter.lengowStatuses)})`);
  if (filter.progress) conditions.push(`progress = ${params.add(filter.progress)}`);
  if (filter.orderDateFrom) conditions.push(`${ORDER_DATE_SORT} >= ${params.add(filter.orderDateFrom)}`);
  if (filter.orderDateTo) conditions.push(`${ORDER_DATE_SORT} < ${params.add(filter.orderDateTo)}`);
  for (const word of filter.searchWords ?? []) conditions.push(searchCondition(word, params));
  return conditions;
}

/** Whether the filter only uses dimensions `order_counters` has, so counts can come from it instead of the rows. */
export function countersCanAnswer(filter: NormalisedFilter): boolean {
  return (
    filter.actionType === undefined &&
    filter.stockStates === undefined &&
    filter.stockFailureCodes === undefined &&
    filter.orderDateFrom === undefined &&
    filter.orderDateTo === undefined &&
    filter.searchWords === undefined
  );
}

/** Conditions over `order_counters` (same column names, unknown Lengow status stored as ''). */
export function counterConditions(filter: NormalisedFilter, params: SqlParams): string[] {
  const conditions: string[] = [];
  if (filter.importStates) conditions.push(`import_state IN (${params.list(filter.importStates)})`);
  if (filter.actionStates) conditions.push(`action_state IN (${params.list(filter.actionStates)})`);
  if (filter.marketplaces) conditions.push(`marketplace IN (${params.list(filter.marketplaces)})`);
  if (filter.lengowStatuses) conditions.push(`lengow_status IN (${params.list(filter.lengowStatuses)})`);
  if (filter.progress) conditions.push(`progress = ${params.add(filter.progress)}`);
  return conditions;
}

export function where(conditions: readonly string[]): string {
  return conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
}
