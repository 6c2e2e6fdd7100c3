import type { ShopOrderState } from './shop-order.js';

/** What the merchant did in the shop; each becomes a Lengow action (ship, cancel, refund) in the engine. */
export type ShopStatusChangeKind = 'shipped' | 'canceled' | 'refunded' | 'partially_refunded';

export interface RefundedLine {
  lineId: number;
  productId: string;
  /** Units refunded by this change. */
  quantity: number;
  marketplaceLineIds: string[];
}

/**
 * `reason`: what the merchant gave as the cancel or refund reason, null when none; the engine sends it to Lengow as the
 * action's reason, so a code or a label of the marketplace's list (its default reason applies when null).
 */
export type ShopStatusChangePayload =
  | {
      kind: 'shipped';
      carrierId: number | null;
      carrierReferenceId: number | null;
      carrierName: string | null;
      trackingNumber: string;
      trackingUrl: string | null;
      shippedAt: string;
    }
  | { kind: 'canceled'; reason: string | null }
  | { kind: 'refunded' | 'partially_refunded'; reason: string | null; lines: RefundedLine[] };

/**
 * Who made a change through the engine: the command that asked the shop for it. The shop keeps it with the change so
 * that whichever engine process records the change names that command's actor and keeps its correlation, not only the
 * process that made the call. Identities only, never credentials: an API key travels as `api-key:<key id>`.
 */
export interface ShopChangeOrigin {
  /** `operator:<name>`, `api-key:<key id>`, `bus:<client>`… */
  actor: string;
  commandId: string;
  /** Null when the command had none (the command id then starts the chain). */
  correlationId: string | null;
  causationId: string | null;
}

/**
 * One entry of the shop change feed; ids only grow, and an entry is visible only once every lower id is. `origin` is
 * null when the merchant made the change in the shop directly, or when the shop cannot keep one (see ShopChangeFeed).
 */
export type ShopStatusChange = {
  id: number;
  orderId: number;
  orderReference: string;
  marketplace: string;
  marketplaceOrderId: string;
  fromState: ShopOrderState;
  toState: ShopOrderState;
  at: string;
  origin: ShopChangeOrigin | null;
} & ShopStatusChangePayload;

export interface ShipOrderInput {
  /** Id of any version of a shop carrier; or give `carrierName` for a carrier the shop does not list. */
  carrierId?: number | null;
  carrierName?: string | null;
  trackingNumber: string;
  /** Defaults to the carrier's template with `@` replaced by the tracking number. */
  trackingUrl?: string | null;
  /** ISO 8601. */
  shippedAt: string;
}

export interface RefundOrderInput {
  /** Omitted: the whole order (everything not yet refunded). */
  lines?: { lineId: number; quantity: number }[];
  reason?: string | null;
}

export interface MerchantChangeResult<Order> {
  /** false when the call changed nothing (same cancel again, same tracking again): nothing was added to the feed. */
  changed: boolean;
  order: Order;
  change: ShopStatusChange | null;
}
