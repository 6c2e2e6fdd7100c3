import type { DomainEvent } from './domain-event.js';
import type { StockDecrementPlan } from './plan-shop-orders.js';
import type { StockDecrementFailureCode, StockShortfallLine } from './stock-shortfall.js';

export type StockDecremented = DomainEvent<
  'StockDecremented',
  { readonly key: string; readonly lines: StockDecrementPlan['lines']; readonly at: string }
>;

/**
 * The shop refused the planned decrement (e.g. stock taken by another order since validation, or changed by hand):
 * nothing was taken. It waits for the operator, who restocks and asks for `StockDecrementRetryRequested`.
 */
export type StockDecrementFailed = DomainEvent<
  'StockDecrementFailed',
  {
    readonly key: string;
    readonly code: StockDecrementFailureCode;
    /** Names each short product, e.g. "product 12_3: 2 ordered, 1 in stock". */
    readonly message: string;
    readonly shortfall: readonly StockShortfallLine[];
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
