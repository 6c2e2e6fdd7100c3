import type { ParsedOrder } from './dto/lengow-order.js';
import type { LengowAction } from './lengow-action.js';
import type { LengowActionType, MarketplaceDefinition } from './marketplace-definition.js';

/** Nest injection token of the {@link LengowApi} port. */
export const LENGOW_API = Symbol('LENGOW_API');

/** A date sent to the API: a `Date`, or an ISO 8601 string with an offset passed on as written. */
export type ApiDate = Date | string;

/**
 * A `GET /v3.0/orders` query. Either a window (`updatedFrom`/`updatedTo` and/or the order-date pair), or the
 * one-order mode (`marketplace` + `marketplaceOrderId`, no dates), as the plugins do.
 */
export interface OrdersQuery {
  updatedFrom?: ApiDate;
  updatedTo?: ApiDate;
  marketplaceOrderDateFrom?: ApiDate;
  marketplaceOrderDateTo?: ApiDate;
  /** Only orders whose merchant order ids include this one. */
  merchantOrderId?: string;
  /** Only orders not yet marked through moi (`merchant_order_id=None`). */
  onlyWithoutMerchantOrderId?: boolean;
  /** One-order mode, with `marketplaceOrderId`. Lower-cased before sending. */
  marketplace?: string;
  marketplaceOrderId?: string;
  catalogIds?: readonly number[];
  /** e.g. `updated_at`; the API's default ordering otherwise. */
  ordering?: string;
  /** 1 to 100 (the API's maximum, and the default). */
  pageSize?: number;
  /** `no_currency_conversion`; omitted when undefined. */
  noCurrencyConversion?: boolean;
}

export interface OrdersPage {
  /** 1-based number of the response in this read. */
  page: number;
  /**
   * The envelope's `count` (total matches, not this page's length; it can disagree with the results). A window read
   * in `updated_at` order asks each page from the last `updated_at` served: there it counts what was left from that.
   */
  count: number;
  hasNext: boolean;
  /**
   * Every result of the page, in order, each typed or "not formatted"; none is dropped. An order updated while the
   * pages are read can appear on two pages: consumers must be idempotent per (marketplace, marketplace order id).
   */
  orders: ParsedOrder[];
}

export interface ActionRequest {
  /** Lower-cased before sending. */
  marketplace: string;
  marketplaceOrderId: string;
  actionType: LengowActionType;
  /** `marketplace_order_line_id` for per-line actions. */
  line?: string;
  /** Marketplace arguments (carrier, tracking_number, reason…); null or undefined values are not sent. */
  args?: Readonly<Record<string, string | number | boolean | null | undefined>>;
  /**
   * When an earlier attempt at this same action ended without a known outcome (timeout, dropped connection, 5xx),
   * when it started. Identical actions Lengow created since then are adopted even if no longer queued, so a lost
   * answer does not turn into a second action.
   */
  previousAttemptAt?: Date;
}

export interface SendActionResult {
  /** The Lengow action id to poll. */
  id: number;
  /**
   * `posted`: this call created the action. `adopted`: an identical action already existed in Lengow (queued, or
   * created since an attempt whose outcome was unknown), so nothing was posted and its id is returned instead.
   */
  outcome: 'posted' | 'adopted';
  /** When adopted: every matching id (normally one), the adopted one first. */
  existingIds: number[];
}

export interface ActionsQuery {
  id?: number;
  marketplaceOrderId?: string;
  marketplace?: string;
  actionType?: LengowActionType;
  line?: string;
  updatedFrom?: ApiDate;
  updatedTo?: ApiDate;
  /** `queued=True` / `queued=False`. */
  queued?: boolean;
  /** `processed=True` / `processed=False`. */
  processed?: boolean;
  pageSize?: number;
  /** Further filters sent as they are (the duplicate guard sends an action's own arguments). */
  extra?: Readonly<Record<string, string>>;
}

export interface ActionsPage {
  page: number;
  count: number;
  hasNext: boolean;
  actions: LengowAction[];
  /** Entries that had no usable `id`, as sent; they cannot be matched to anything but are not hidden. */
  unreadable: unknown[];
}

export interface MerchantOrderIdsRequest {
  marketplace: string;
  marketplaceOrderId: string;
  /** Every shop order id linked to the marketplace order. */
  merchantOrderIds: readonly string[];
}

export interface MarketplaceCatalog {
  /** When the definitions were downloaded (ISO 8601). */
  fetchedAt: string;
  /** True when the last refresh failed and this older copy is served instead. */
  stale: boolean;
  /** Keyed by lower-cased marketplace code. */
  definitions: ReadonlyMap<string, MarketplaceDefinition>;
}

/**
 * The Lengow v3 API as the engine sees it. Every method either succeeds or throws a `LengowError` subclass with a
 * stable `code` (see lengow-errors.ts); orders that cannot be represented are results, not exceptions.
 */
export interface LengowApi {
  /**
   * Pages of orders matching the query, fetched lazily one page at a time (page 1, 2, … until `next` is null), so
   * a long backfill never holds more than one page. Breaking out of the loop stops the fetching. Paging is by
   * offset, as the API's: orders updated while the pages are read can shift, appearing twice or (when they leave
   * the window) ending the listing early at a page that is gone; overlapping windows are how callers catch up.
   */
  listOrders(query: OrdersQuery): AsyncIterable<OrdersPage>;

  /** All marketplace definitions; cached, and a stale copy is served when a refresh fails. */
  getMarketplaces(): Promise<MarketplaceCatalog>;

  /**
   * One definition by code (case-insensitive). An unknown code forces one refresh of the list; still unknown →
   * `LengowUnknownMarketplace`.
   */
  getMarketplace(code: string): Promise<MarketplaceDefinition>;

  /**
   * Sends an action, guarded against duplicates: an identical action already queued in Lengow is adopted instead
   * of posting. A POST whose outcome is unknown (timeout, 5xx, dropped connection) is never repeated blindly: the
   * next attempt first looks for an identical action created since, queued or not. Refusals are not retried.
   */
  sendAction(request: ActionRequest): Promise<SendActionResult>;

  /** Pages of action resources matching the query, fetched lazily. */
  listActions(query: ActionsQuery): AsyncIterable<ActionsPage>;

  /** One action by id, or null when Lengow does not return it. */
  getAction(id: number): Promise<LengowAction | null>;

  /** Records the shop order ids of a marketplace order (moi); `LengowOrderNotFound` when Lengow does not know it. */
  setMerchantOrderIds(request: MerchantOrderIdsRequest): Promise<void>;
}
