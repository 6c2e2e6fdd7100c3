import { Command } from '@nestjs/cqrs';
import type { ShopOrder } from '../../shop/shop-order.js';
import type { CommandMetadata } from '../commands/command-metadata.js';

export interface ShopCommandResult {
  /** True when a retry with the same key got the first call's result. */
  readonly replayed: boolean;
  /** False when the shop already was in that state (same parcel again, cancel again…). */
  readonly changed: boolean;
  /** The shop change feed entry the call added, null when none (or not known after a crash). */
  readonly changeId: number | null;
  readonly order: ShopOrder;
}

export interface MarkShopOrderShippedPayload {
  readonly shopOrderId: string;
  /** A shop carrier id, or a carrier name. */
  readonly carrier?: string;
  readonly trackingNumber: string;
  readonly trackingUrl?: string;
  /** ISO 8601; now by default. */
  readonly shippedAt?: string;
}

export interface MarkShopOrderCanceledPayload {
  readonly shopOrderId: string;
  /** The cancel action's `reason` (a code or label of the marketplace's list); its default when omitted. */
  readonly reason?: string;
}

export interface MarkShopOrderRefundedPayload {
  readonly shopOrderId: string;
  /** Shop order lines and units; omitted = everything not refunded yet. */
  readonly lines?: readonly { readonly lineId: number; readonly quantity: number }[];
  /** The refund action's reason (`refund_reason`, or `reason` where the marketplace says so); default if omitted. */
  readonly reason?: string;
}

/**
 * The merchant's actions on a shop order, as the doors (HTTP, NATS, CLI) forward them. The shop records each in its
 * change feed, which drives the Lengow action; `idempotencyKey` makes a retry harmless (a refund is never made twice).
 * `metadata` is the door's: the order events recording the change name its actor and keep its correlation and
 * causation. Without it they are the engine's own, as for a change made in the shop directly.
 */
abstract class MarkShopOrder<Payload> extends Command<ShopCommandResult> {
  constructor(
    readonly payload: Payload,
    readonly idempotencyKey: string,
    readonly metadata?: CommandMetadata,
  ) {
    super();
  }
}

export class MarkShopOrderShipped extends MarkShopOrder<MarkShopOrderShippedPayload> {}
export class MarkShopOrderCanceled extends MarkShopOrder<MarkShopOrderCanceledPayload> {}
export class MarkShopOrderRefunded extends MarkShopOrder<MarkShopOrderRefundedPayload> {}
