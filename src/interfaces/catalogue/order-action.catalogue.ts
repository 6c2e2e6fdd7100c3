import { orderKeyOf } from '../../orders/domain/order-key.js';
import {
  MarkShopOrderCanceled,
  MarkShopOrderRefunded,
  MarkShopOrderShipped,
} from '../../orders/integration/mark-shop-order-commands.js';
import { ResendOrderAction } from '../../orders/integration/resend-order-action.js';
import { defineCommand, orderRevision } from './catalogue-entry.js';
import {
  MarkShopOrderCanceledPayload,
  MarkShopOrderRefundedPayload,
  MarkShopOrderShippedPayload,
  ResendOrderActionPayload,
} from './order-action-payloads.js';

/** Lengow actions: the operator's re-send, and the merchant's shop order changes that drive ship, cancel, refund. */

export const RESEND_ORDER_ACTION = defineCommand({
  name: 'resend-order-action',
  description: 'Re-send the last failed Lengow action of the order (of one type, or of any), built afresh',
  payload: ResendOrderActionPayload,
  role: 'operator',
  concurrency: 'order',
  orderKeyOf: (payload) => orderKeyOf(payload.marketplace, payload.marketplaceOrderId),
  build: (payload, metadata, options) => new ResendOrderAction({ ...payload }, metadata, orderRevision(options)),
});

// The shop keys its own idempotency on the command id, so a retried request (same Idempotency-Key, same command id)
// never ships, cancels or refunds twice. The metadata goes along so the order events recording the change name the
// caller and keep its correlation, like every other command's.

export const MARK_SHOP_ORDER_SHIPPED = defineCommand({
  name: 'mark-shop-order-shipped',
  description: 'Ship a shop order with its carrier and tracking number; the engine then sends ship to Lengow',
  payload: MarkShopOrderShippedPayload,
  role: 'operator',
  concurrency: 'none',
  build: (payload, metadata) => new MarkShopOrderShipped({ ...payload }, metadata.commandId, metadata),
});

export const MARK_SHOP_ORDER_CANCELED = defineCommand({
  name: 'mark-shop-order-canceled',
  description: 'Cancel a shop order; the engine then sends cancel to Lengow',
  payload: MarkShopOrderCanceledPayload,
  role: 'operator',
  concurrency: 'none',
  build: (payload, metadata) => new MarkShopOrderCanceled({ ...payload }, metadata.commandId, metadata),
});

export const MARK_SHOP_ORDER_REFUNDED = defineCommand({
  name: 'mark-shop-order-refunded',
  description: 'Refund a shop order, whole or some lines; the engine then sends refund to Lengow',
  payload: MarkShopOrderRefundedPayload,
  role: 'operator',
  concurrency: 'none',
  build: (payload, metadata) =>
    new MarkShopOrderRefunded(
      {
        shopOrderId: payload.shopOrderId,
        ...(payload.lines ? { lines: payload.lines.map(({ lineId, quantity }) => ({ lineId, quantity })) } : {}),
        ...(payload.reason !== undefined ? { reason: payload.reason } : {}),
      },
      metadata.commandId,
      metadata,
    ),
});
