import type { DomainEvent } from './domain-event.js';
import type { StockDecrementPlan } from './plan-shop-orders.js';
import type { ProductNotInShop } from './product-not-in-shop.js';
import type { StockDecrementFailureCode } from './stock-decrement-failure.js';
import type { StockShortfallLine } from './stock-shortfall.js';

export type StockDecremented = DomainEvent<
  'StockDecremented',
  { readonly key: string; readonly lines: StockDecrementPlan['lines']; readonly at: string }
>;

/**
 * The shop refused the planned decrement and took nothing: `STOCK_SHORTFALL` (stock taken by another order since
 * validation, or changed by hand) or `PRODUCT_NOT_IN_SHOP` (a product deleted from the catalogue, or split into
 * variants, since the import). It waits for the operator, who fixes the shop's side and asks for
 * `StockDecrementRetryRequested`.
 */
export type StockDecrementFailed = DomainEvent<
  'StockDecrementFailed',
  {
    readonly key: string;
    readonly code: StockDecrementFailureCode;
    /**
     * Names each product, e.g. "product 12_3: 2 ordered, 1 in stock", or "product 12_3 is no longer in the shop
     * catalogue".
     */
    readonly message: string;
    /** `STOCK_SHORTFALL`: each short product's figures; `[]` for the other codes. */
    readonly shortfall: readonly StockShortfallLine[];
    /** `PRODUCT_NOT_IN_SHOP` only: each product the catalogue no longer has, and why. Absent on shortfalls. */
    readonly products?: readonly ProductNotInShop[];
    readonly at: string;
  }
>;

/** The operator asks for the failed decrement to be tried again, under the same key (the shop deduplicates on it). */
export type StockDecrementRetryRequested = DomainEvent<
  'StockDecrementRetryRequested',
  {
    readonly key: string;
    /** 1 for the operator's first retry of this order's decrement. */
    readonly retry: number;
    readonly at: string;
  }
>;

/** The first moi after an import (or re-import) went through. */
export type MerchantOrderIdsSent = DomainEvent<
  'MerchantOrderIdsSent',
  { readonly key: string; readonly merchantOrderIds: readonly string[]; readonly at: string }
>;

/** A moi (first or re-synchronisation) failed after the adapter's own tries; the operator can re-synchronise. */
export type MerchantOrderIdsFailed = DomainEvent<
  'MerchantOrderIdsFailed',
  { readonly key: string; readonly message: string; readonly at: string }
>;

export type OrderResynchronisationRequested = DomainEvent<
  'OrderResynchronisationRequested',
  { readonly key: string; readonly sequence: number; readonly merchantOrderIds: readonly string[]; readonly at: string }
>;

/** Merchant order ids sent again on the operator's request. */
export type OrderResynchronised = DomainEvent<
  'OrderResynchronised',
  { readonly key: string; readonly merchantOrderIds: readonly string[]; readonly at: string }
>;

/**
 * A later poll saw another marketplace status on an imported order. The order is not re-imported ("once imported, no
 * longer synchronised"), but a finishing status closes what was still open (lengow-api.md §6, §11).
 */
export type LengowStatusChanged = DomainEvent<
  'LengowStatusChanged',
  {
    readonly previousMarketplaceStatus: string | null;
    readonly marketplaceStatus: string;
    readonly lengowStatus: string | null;
    readonly finishing: boolean;
    /** Open or failed action attempts (and tries refused before sending) that this status closes. */
    readonly closedKeys: readonly string[];
    readonly at: string;
  }
>;

export type SyncEvent =
  | StockDecremented
  | StockDecrementFailed
  | StockDecrementRetryRequested
  | MerchantOrderIdsSent
  | MerchantOrderIdsFailed
  | OrderResynchronisationRequested
  | OrderResynchronised
  | LengowStatusChanged;
