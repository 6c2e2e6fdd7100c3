import type { ActionEvent } from './action-events.js';
import type { ImportEvent } from './import-events.js';
import type { ShopStatusEvent } from './shop-status-events.js';
import type { SyncEvent } from './sync-events.js';

/** Everything that can happen to one marketplace order; one stream per (marketplace, marketplace_order_id). */
export type OrderEvent = ImportEvent | SyncEvent | ShopStatusEvent | ActionEvent;
export type OrderEventType = OrderEvent['type'];
export type OrderEventOf<T extends OrderEventType> = Extract<OrderEvent, { type: T }>;

/**
 * Current shape version of each event type; bump it together with an upcaster in `upcast.ts` when a field is renamed,
 * removed, or changes meaning or type.
 *
 * An added **optional** field does not bump the version: older events simply lack it (readers treat it as unknown),
 * and an older deployment reading a newer event ignores it. A bump would instead make every older instance skip the
 * event as unreadable, which during a rolling deployment or a rollback would hide the import events that decisions
 * depend on. Additions so far, all readable at version 1:
 * - `OrderImportPlanned.configurationRevision`
 * - `OrderImportIgnored.facts`, `OrderImportFailed.facts`, `OrderImportPlanned.facts` (`OrderFacts`, order-facts.ts)
 * - `StockDecrementFailed.products`, with the code `PRODUCT_NOT_IN_SHOP`; such an event still has `shortfall` (empty)
 *   and its `message`, so an older deployment shows it as "stock not decremented" with the message, as it should.
 * - `ShopOrderCanceled.reason`, `ShopOrderRefunded.reason`, `ShopOrderLineRefunded.reason` (the merchant's reason);
 *   read as none when absent, so the action falls back on the marketplace's default reason, as before.
 */
export const CURRENT_SCHEMA_VERSIONS: Readonly<Record<OrderEventType, number>> = {
  OrderImportIgnored: 1,
  OrderImportPlanned: 1,
  OrderImportFailed: 1,
  OrderImported: 1,
  OrderReimported: 1,
  StockDecremented: 1,
  StockDecrementFailed: 1,
  StockDecrementRetryRequested: 1,
  MerchantOrderIdsSent: 1,
  MerchantOrderIdsFailed: 1,
  OrderResynchronisationRequested: 1,
  OrderResynchronised: 1,
  LengowStatusChanged: 1,
  ShopOrderShipped: 1,
  ShopOrderCanceled: 1,
  ShopOrderRefunded: 1,
  ShopOrderLineRefunded: 1,
  ActionRequested: 1,
  ActionSent: 1,
  ActionSendFailed: 1,
  ActionConfirmed: 1,
  ActionRejected: 1,
  ActionTimedOut: 1,
};

/** Builds an event at its current schema version. */
export function orderEvent<T extends OrderEventType>(type: T, data: OrderEventOf<T>['data']): OrderEventOf<T> {
  return { type, schemaVersion: CURRENT_SCHEMA_VERSIONS[type], data } as OrderEventOf<T>;
}
