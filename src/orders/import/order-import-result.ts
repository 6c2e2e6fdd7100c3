import type { ImportFailure } from '../domain/import-failure.js';
import type { OrderEvent } from '../domain/order-events.js';
import type { OrderKey } from '../domain/order-key.js';

/** What importing one order did, as the caller of a one-order command sees it. */
export type OrderImportOutcome =
  /** Validation passed: shop orders are planned (the import saga creates them). */
  | { readonly kind: 'planned'; readonly shopOrders: number }
  | { readonly kind: 'ignored'; readonly code: string; readonly message: string }
  | { readonly kind: 'failed'; readonly failures: readonly ImportFailure[] }
  | { readonly kind: 'status_changed'; readonly marketplaceStatus: string; readonly lengowStatus: string | null }
  /** Nothing new: already imported with this status, same verdict as before, or a retry not due yet. */
  | { readonly kind: 'unchanged' }
  /** Lengow sent a payload that cannot be represented; `recorded` when it was written on the order's stream. */
  | { readonly kind: 'not_formatted'; readonly reason: string; readonly recorded: boolean }
  /** The shop could not be reached: recorded as a transient failure, retried with backoff. */
  | { readonly kind: 'transient_failure'; readonly message: string }
  /** The order's stream refused the command (an `OrderDomainError`). */
  | { readonly kind: 'rejected'; readonly code: string; readonly message: string };

export interface OrderImportResult {
  /** Null only for a payload without a usable identity. */
  readonly orderKey: OrderKey | null;
  readonly outcome: OrderImportOutcome;
  /** Types of the events appended, in order. */
  readonly events: readonly string[];
  /**
   * The order waits for the retry of a transient failure (shop unreachable): polls must keep covering it until the
   * retry is due, whatever the incremental window would otherwise be.
   */
  readonly retryPending?: boolean;
}

/** The outcome an order command's appended events stand for. */
export function outcomeOfEvents(events: readonly OrderEvent[]): OrderImportOutcome {
  for (const event of events) {
    switch (event.type) {
      case 'OrderImportPlanned':
        return { kind: 'planned', shopOrders: event.data.plan.shopOrders.length };
      case 'OrderImportIgnored':
        return { kind: 'ignored', code: event.data.code, message: event.data.message };
      case 'OrderImportFailed':
        return { kind: 'failed', failures: event.data.failures };
      case 'LengowStatusChanged':
        return {
          kind: 'status_changed',
          marketplaceStatus: event.data.marketplaceStatus,
          lengowStatus: event.data.lengowStatus,
        };
    }
  }
  return { kind: 'unchanged' };
}
