import type { DomainEvent } from './domain-event.js';
import type { StockDecrementPlan } from './plan-shop-orders.js';

export type StockDecremented = DomainEvent<
  'StockDecremented',
  { readonly key: string; readonly lines: StockDecrementPlan['lines']; readonly at: string }
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
  | MerchantOrderIdsSent
  | MerchantOrderIdsFailed
  | OrderResynchronisationRequested
  | OrderResynchronised
  | LengowStatusChanged;
