import type { LengowStatus } from './lengow-status.js';

/** Bounded retries with exponential backoff (lengow-api.md §13 #7, #10): no jitter here, the scheduler may add it. */
export interface RetryPolicy {
  readonly initialDelaySeconds: number;
  readonly maxDelaySeconds: number;
  /** After this many consecutive transient failures the work is parked until an operator re-drives it. */
  readonly maxAttempts: number;
}

export interface ImportSettings {
  /** Lengow statuses in which a shop order is created. */
  readonly importableStatuses: readonly LengowStatus[];
  /** `LENGOW_IMPORT_SHIP_MP_ENABLED`: create shop orders for orders shipped by the marketplace (FBA…). */
  readonly createShippedByMarketplace: boolean;
  /** `LENGOW_IMPORT_STOCK_SHIP_MP`: let those orders reduce stock. */
  readonly decrementStockShippedByMarketplace: boolean;
  /** `LENGOW_IMPORT_PROCESSING_FEE`. */
  readonly importProcessingFee: boolean;
  /** `LENGOW_IMPORT_FORCE_PRODUCT`: add inactive or out-of-stock products anyway. */
  readonly forceProduct: boolean;
  /** Orders older than this (calendar months) are not imported by a poll. */
  readonly maxOrderAgeMonths: number;
  readonly retryPolicy: RetryPolicy;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { initialDelaySeconds: 60, maxDelaySeconds: 3600, maxAttempts: 8 };

export const DEFAULT_IMPORT_SETTINGS: ImportSettings = {
  importableStatuses: ['waiting_shipment', 'shipped', 'closed', 'partial_refunded'],
  createShippedByMarketplace: false,
  decrementStockShippedByMarketplace: false,
  importProcessingFee: true,
  forceProduct: true,
  maxOrderAgeMonths: 3,
  retryPolicy: DEFAULT_RETRY_POLICY,
};

/** Delay before the n-th retry (n starts at 1): initial × 2^(n-1), capped. */
export function backoffSeconds(policy: RetryPolicy, attempt: number): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  return Math.min(policy.initialDelaySeconds * 2 ** exponent, policy.maxDelaySeconds);
}
