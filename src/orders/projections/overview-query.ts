import { ACTION_TYPES, type ActionType } from '../domain/marketplace-definition.js';
import { STOCK_DECREMENT_FAILURE_CODES, type StockDecrementFailureCode } from '../domain/stock-decrement-failure.js';
import { InvalidOverviewQuery, type OverviewQueryProblem } from './invalid-overview-query.error.js';
import {
  ACTION_STATES,
  IMPORT_STATES,
  PROGRESS_STATES,
  STOCK_STATES,
  type ActionStateValue,
  type ImportStateValue,
  type ProgressValue,
  type StockStateValue,
} from './order-overview.js';
import { searchWords } from './search-terms.js';
import { parseIsoInstant } from '../../common/iso-instant.js';

export const OVERVIEW_SORTS = ['order_date', 'last_event_at', 'marketplace_order_id'] as const;
export type OverviewSort = (typeof OVERVIEW_SORTS)[number];
export type SortDirection = 'asc' | 'desc';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

type OneOrMany<T> = T | readonly T[];

export interface OverviewFilter {
  importState?: OneOrMany<ImportStateValue>;
  /** The summary column, or with `actionType` that type's column (e.g. failed ship = "Not shipped"). */
  actionState?: OneOrMany<ActionStateValue>;
  actionType?: ActionType;
  /** `failed`: "stock not decremented", the orders waiting for a restock and the operator's retry. */
  stockState?: OneOrMany<StockStateValue>;
  /**
   * Why the stock was not decremented, which says what to fix: `STOCK_SHORTFALL` (restock) or `PRODUCT_NOT_IN_SHOP`
   * (put the products back in the catalogue). Only failed orders have one.
   */
  stockFailureCode?: OneOrMany<StockDecrementFailureCode>;
  marketplace?: OneOrMany<string>;
  lengowStatus?: OneOrMany<string>;
  progress?: ProgressValue;
  /** Order date (the marketplace's, else first seen) at or after this instant (ISO 8601). */
  orderDateFrom?: string;
  /** Order date strictly before this instant (ISO 8601). */
  orderDateTo?: string;
  /** Words, each a prefix of the marketplace order id, a shop order id or a customer name word (case and accents ignored). */
  search?: string;
}

export interface OverviewListQuery extends OverviewFilter {
  sort?: OverviewSort;
  direction?: SortDirection;
  /** 1 to 500, default 50. */
  limit?: number;
  /** `nextCursor` of the previous page; must come from a query with the same sort and direction. */
  cursor?: string | null;
}

/** A validated filter: every list non-empty or absent, instants canonical, search split into words. */
export interface NormalisedFilter {
  importStates?: ImportStateValue[];
  actionStates?: ActionStateValue[];
  actionType?: ActionType;
  stockStates?: StockStateValue[];
  stockFailureCodes?: StockDecrementFailureCode[];
  marketplaces?: string[];
  lengowStatuses?: string[];
  progress?: ProgressValue;
  orderDateFrom?: string;
  orderDateTo?: string;
  searchWords?: string[];
}

export interface NormalisedListQuery {
  filter: NormalisedFilter;
  sort: OverviewSort;
  direction: SortDirection;
  limit: number;
  cursor: string | null;
}

/**
 * Checks a query that may come straight from a query string: anything off is an InvalidOverviewQuery naming every
 * parameter at fault, never a crash.
 */
export function normaliseListQuery(query: OverviewListQuery | null | undefined): NormalisedListQuery {
  const input = (query ?? {}) as OverviewListQuery;
  const problems: OverviewQueryProblem[] = [];
  const sort = input.sort ?? 'order_date';
  if (!OVERVIEW_SORTS.includes(sort)) problems.push(oneOf('sort', OVERVIEW_SORTS));
  const direction = input.direction ?? (sort === 'marketplace_order_id' ? 'asc' : 'desc');
  if (direction !== 'asc' && direction !== 'desc')
    problems.push({ field: 'direction', message: 'must be asc or desc' });
  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    problems.push({ field: 'limit', message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` });
  }
  const cursor = input.cursor ?? null;
  if (cursor !== null && (typeof cursor !== 'string' || cursor.length > 2048)) {
    problems.push({ field: 'cursor', message: 'is not a cursor of this list' });
  }
  const filter = filterOf(input, problems);
  InvalidOverviewQuery.throwIfAny(problems);
  return { filter, sort, direction, limit, cursor };
}

export function normaliseFilter(input: OverviewFilter | null | undefined): NormalisedFilter {
  const problems: OverviewQueryProblem[] = [];
  const filter = filterOf((input ?? {}) as OverviewFilter, problems);
  InvalidOverviewQuery.throwIfAny(problems);
  return filter;
}

/** The filter's valid parts; each invalid one adds its problem instead. */
function filterOf(filter: OverviewFilter, problems: OverviewQueryProblem[]): NormalisedFilter {
  const result: NormalisedFilter = {};
  const importStates = enumList('importState', filter.importState, IMPORT_STATES, problems);
  if (importStates) result.importStates = importStates;
  const actionStates = enumList('actionState', filter.actionState, ACTION_STATES, problems);
  if (actionStates) result.actionStates = actionStates;
  if (filter.actionType !== undefined) {
    if (ACTION_TYPES.includes(filter.actionType)) result.actionType = filter.actionType;
    else problems.push(oneOf('actionType', ACTION_TYPES));
  }
  const stockStates = enumList('stockState', filter.stockState, STOCK_STATES, problems);
  if (stockStates) result.stockStates = stockStates;
  const stockFailureCodes = enumList(
    'stockFailureCode',
    filter.stockFailureCode,
    STOCK_DECREMENT_FAILURE_CODES,
    problems,
  );
  if (stockFailureCodes) result.stockFailureCodes = stockFailureCodes;
  const marketplaces = textList('marketplace', filter.marketplace, (code) => code.trim().toLowerCase(), problems);
  if (marketplaces) result.marketplaces = marketplaces;
  const lengowStatuses = textList('lengowStatus', filter.lengowStatus, (status) => status.trim(), problems);
  if (lengowStatuses) result.lengowStatuses = lengowStatuses;
  if (filter.progress !== undefined) {
    if (PROGRESS_STATES.includes(filter.progress)) result.progress = filter.progress;
    else problems.push(oneOf('progress', PROGRESS_STATES));
  }
  const orderDateFrom = instant('orderDateFrom', filter.orderDateFrom, problems);
  if (orderDateFrom !== undefined) result.orderDateFrom = orderDateFrom;
  const orderDateTo = instant('orderDateTo', filter.orderDateTo, problems);
  if (orderDateTo !== undefined) result.orderDateTo = orderDateTo;
  if (filter.search !== undefined) {
    if (typeof filter.search !== 'string' || filter.search.length > 200) {
      problems.push({ field: 'search', message: 'must be a text of at most 200 characters' });
    } else {
      const words = searchWords(filter.search);
      if (words.length > 8) problems.push({ field: 'search', message: 'at most 8 words' });
      else if (words.length > 0) result.searchWords = words;
    }
  }
  return result;
}

function oneOf(field: string, allowed: readonly string[]): OverviewQueryProblem {
  return { field, message: `must be one of ${allowed.join(', ')}` };
}

function enumList<T extends string>(
  field: string,
  value: OneOrMany<T> | undefined,
  allowed: readonly T[],
  problems: OverviewQueryProblem[],
): T[] | null {
  if (value === undefined) return null;
  const list = (Array.isArray(value) ? value : [value]) as unknown[];
  if (list.length === 0) return null;
  if (!list.every((item) => allowed.includes(item as T))) {
    problems.push(oneOf(field, allowed));
    return null;
  }
  return [...new Set(list as T[])];
}

function textList(
  field: string,
  value: OneOrMany<string> | undefined,
  clean: (v: string) => string,
  problems: OverviewQueryProblem[],
): string[] | null {
  if (value === undefined) return null;
  const list = (Array.isArray(value) ? value : [value]) as unknown[];
  if (list.length > 100) {
    problems.push({ field, message: 'at most 100 values' });
    return null;
  }
  if (!list.every((item) => typeof item === 'string' && clean(item) !== '' && item.length <= 200)) {
    problems.push({ field, message: 'must be non-empty texts' });
    return null;
  }
  const cleaned = (list as string[]).map(clean);
  return cleaned.length === 0 ? null : [...new Set(cleaned)];
}

function instant(field: string, value: unknown, problems: OverviewQueryProblem[]): string | undefined {
  if (value === undefined) return undefined;
  const ms = parseIsoInstant(value, { dateOnly: true });
  if (ms !== null) return new Date(ms).toISOString();
  problems.push({ field, message: 'must be an ISO 8601 date, or a timestamp with an offset' });
  return undefined;
}
