import type { ActionType } from '../domain/marketplace-definition.js';
import type { StockDecrementFailureCode } from '../domain/stock-decrement-failure.js';

/** `pending`: seen, nothing decided yet or shop orders being created. The back office's "Not imported" is `not_imported`. */
export const IMPORT_STATES = ['pending', 'imported', 'not_imported', 'ignored'] as const;
export type ImportStateValue = (typeof IMPORT_STATES)[number];

/**
 * Per action type, and summarised over the types: `waiting` = sent, waiting for Lengow; `failed` = the back office's
 * "Not shipped" / "Not canceled" / "Not refunded"; `closed` = a finishing Lengow status closed it without reaching
 * what it asked for (e.g. a cancel when the marketplace shipped the order).
 */
export const ACTION_STATES = ['none', 'waiting', 'done', 'failed', 'closed'] as const;
export type ActionStateValue = (typeof ACTION_STATES)[number];

/**
 * The stock decrement: `failed` is "stock not decremented" (the shop refused it and took nothing; the operator fixes
 * the shop's side and retries); `none` when nothing is to take (not imported yet, shipped by the marketplace…).
 */
export const STOCK_STATES = ['none', 'pending', 'done', 'failed'] as const;
export type StockStateValue = (typeof STOCK_STATES)[number];

export const PROGRESS_STATES = ['in_progress', 'closed'] as const;
export type ProgressValue = (typeof PROGRESS_STATES)[number];

/** One row of the order overview, as the query API returns it (the SQL columns are the snake_case names). */
export interface OrderOverview {
  stream: string;
  marketplace: string;
  marketplaceLabel: string;
  marketplaceOrderId: string;
  marketplaceStatus: string | null;
  lengowStatus: string | null;
  /** Current (active) shop orders; replaced ones after a re-import are not listed. */
  shopOrderIds: string[];
  importState: ImportStateValue;
  /** not_imported: why; ignored: the reason; imported: why the last re-import failed (if it did). */
  importMessages: string[];
  importIgnoreCode: string | null;
  /** not_imported only: `automatic` (a poll retries at importNextAttemptAt) or `after_fix`. */
  importRetry: 'automatic' | 'after_fix' | null;
  importNextAttemptAt: string | null;
  shipState: ActionStateValue;
  shipMessages: string[];
  cancelState: ActionStateValue;
  cancelMessages: string[];
  refundState: ActionStateValue;
  refundMessages: string[];
  /** Summary: failed, else waiting, else done, else closed, else none. */
  actionState: ActionStateValue;
  /** The first type (ship, cancel, refund) in the summary's state; null when none. */
  actionType: ActionType | null;
  /** Messages of every type in the failed state. */
  actionMessages: string[];
  actionWaitingSince: string | null;
  stockState: StockStateValue;
  /** failed: why, naming each product (what was ordered and what is in stock, or that the catalogue lacks it). */
  stockMessages: string[];
  /** failed only: `STOCK_SHORTFALL` (restock) or `PRODUCT_NOT_IN_SHOP` (put the products back in the catalogue). */
  stockFailureCode: StockDecrementFailureCode | null;
  progress: ProgressValue;
  customerName: string | null;
  deliveryCountry: string | null;
  totalAmount: number | null;
  currency: string | null;
  orderDate: string | null;
  firstSeenAt: string;
  importedAt: string | null;
  lastEventAt: string;
  lastEventType: string;
  streamRevision: number;
  lastPosition: string;
  unreadableEvents: number;
}

export type OverviewField = keyof OrderOverview;
export type ColumnKind = 'text' | 'json' | 'money' | 'integer';

/** Field ↔ column, in table order; the single source for the upsert, the decoder and the drift check. */
export const OVERVIEW_COLUMNS: readonly { field: OverviewField; column: string; kind: ColumnKind }[] = [
  { field: 'stream', column: 'stream', kind: 'text' },
  { field: 'marketplace', column: 'marketplace', kind: 'text' },
  { field: 'marketplaceLabel', column: 'marketplace_label', kind: 'text' },
  { field: 'marketplaceOrderId', column: 'marketplace_order_id', kind: 'text' },
  { field: 'marketplaceStatus', column: 'marketplace_status', kind: 'text' },
  { field: 'lengowStatus', column: 'lengow_status', kind: 'text' },
  { field: 'shopOrderIds', column: 'shop_order_ids', kind: 'json' },
  { field: 'importState', column: 'import_state', kind: 'text' },
  { field: 'importMessages', column: 'import_messages', kind: 'json' },
  { field: 'importIgnoreCode', column: 'import_ignore_code', kind: 'text' },
  { field: 'importRetry', column: 'import_retry', kind: 'text' },
  { field: 'importNextAttemptAt', column: 'import_next_attempt_at', kind: 'text' },
  { field: 'shipState', column: 'ship_state', kind: 'text' },
  { field: 'shipMessages', column: 'ship_messages', kind: 'json' },
  { field: 'cancelState', column: 'cancel_state', kind: 'text' },
  { field: 'cancelMessages', column: 'cancel_messages', kind: 'json' },
  { field: 'refundState', column: 'refund_state', kind: 'text' },
  { field: 'refundMessages', column: 'refund_messages', kind: 'json' },
  { field: 'actionState', column: 'action_state', kind: 'text' },
  { field: 'actionType', column: 'action_type', kind: 'text' },
  { field: 'actionMessages', column: 'action_messages', kind: 'json' },
  { field: 'actionWaitingSince', column: 'action_waiting_since', kind: 'text' },
  { field: 'stockState', column: 'stock_state', kind: 'text' },
  { field: 'stockMessages', column: 'stock_messages', kind: 'json' },
  { field: 'stockFailureCode', column: 'stock_failure_code', kind: 'text' },
  { field: 'progress', column: 'progress', kind: 'text' },
  { field: 'customerName', column: 'customer_name', kind: 'text' },
  { field: 'deliveryCountry', column: 'delivery_country', kind: 'text' },
  { field: 'totalAmount', column: 'total_amount', kind: 'money' },
  { field: 'currency', column: 'currency', kind: 'text' },
  { field: 'orderDate', column: 'order_date', kind: 'text' },
  { field: 'firstSeenAt', column: 'first_seen_at', kind: 'text' },
  { field: 'importedAt', column: 'imported_at', kind: 'text' },
  { field: 'lastEventAt', column: 'last_event_at', kind: 'text' },
  { field: 'lastEventType', column: 'last_event_type', kind: 'text' },
  { field: 'streamRevision', column: 'stream_revision', kind: 'integer' },
  { field: 'lastPosition', column: 'last_position', kind: 'text' },
  { field: 'unreadableEvents', column: 'unreadable_events', kind: 'integer' },
];
