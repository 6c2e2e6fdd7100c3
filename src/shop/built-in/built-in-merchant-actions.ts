import type { SqlDatabase, SqlExecutor } from '../../database/sql-database.port.js';
import { trackingUrlFor, type ShopCarrier } from '../shop-carrier.js';
import { ShopError } from '../shop-error.js';
import { MERCHANT_CANCELABLE, MERCHANT_REFUNDABLE, MERCHANT_SHIPPABLE } from '../shop-order-transitions.js';
import { shopOrderReference, type ShopOrder, type ShopOrderState, type ShopTracking } from '../shop-order.js';
import type {
  MerchantChangeResult,
  RefundedLine,
  RefundOrderInput,
  ShipOrderInput,
  ShopChangeOrigin,
  ShopStatusChange,
  ShopStatusChangePayload,
} from '../shop-status-change.js';
import {
  validateChangeOrigin,
  validateReason,
  validateRefundInput,
  validateShipInput,
} from '../validate-shop-input.js';
import { appendHistory } from './built-in-orders.js';
import { type CarrierRow, currentCarrier, toShopCarrier } from './carrier-rows.js';
import { lockOrder, orderIdOf } from './lock-order.js';
import { readOrders, toLine, type LineRow, type OrderRow } from './read-orders.js';
import { serialise } from './sql-helpers.js';

/** The feed lock: see `append`. */
export const CHANGE_FEED_LOCK = 'shop_status_changes';

type Outcome = MerchantChangeResult<ShopOrder>;

/**
 * What the merchant does in the shop (ship, cancel, refund). Each change updates the order and appends one entry to
 * `shop_status_changes` in the same transaction, with the origin the engine gave (none for a change made in the shop
 * directly); the engine consumes that feed to send Lengow actions.
 */
export class BuiltInMerchantActions {
  constructor(
    private readonly db: SqlDatabase,
    private readonly now: () => string,
  ) {}

  async shipOrder(
    rawOrderId: number | string,
    rawInput: ShipOrderInput,
    rawOrigin?: ShopChangeOrigin | null,
  ): Promise<Outcome> {
    const orderId = orderIdOf(rawOrderId);
    const input = validateShipInput(rawInput);
    const origin = validateChangeOrigin(rawOrigin);
    return this.change(orderId, origin, async (tx, order) => {
      refuseUnless(order, MERCHANT_SHIPPABLE, 'shipped');
      const carrier = await resolveCarrier(tx, input, order);
      const carrierName = carrier?.name ?? input.carrierName ?? null;
      const tracking: ShopTracking = {
        carrierName,
        trackingNumber: input.trackingNumber,
        trackingUrl: input.trackingUrl ?? trackingUrlFor(carrier?.trackingUrl ?? null, input.trackingNumber),
        shippedAt: input.shippedAt,
      };
      const previous = order.tracking === null ? null : (JSON.parse(order.tracking) as ShopTracking);
      // Shipping again with the same parcel is a repeated click; a new tracking number is news to send (§11).
      if (
        order.state === 'shipped' &&
        previous?.trackingNumber === tracking.trackingNumber &&
        previous.carrierName === tracking.carrierName
      ) {
        return null;
      }
      await tx.execute(
        `UPDATE shop_orders SET state = 'shipped', tracking = $1, carrier_id = COALESCE($2, carrier_id),
           carrier_reference_id = COALESCE($3, carrier_reference_id), updated_at = $4 WHERE id = $5`,
        [JSON.stringify(tracking), carrier?.id ?? null, carrier?.referenceId ?? null, this.now(), orderId],
      );
      return {
        to: 'shipped',
        payload: {
          kind: 'shipped',
          carrierId: carrier?.id ?? null,
          carrierReferenceId: carrier?.referenceId ?? null,
          ...tracking,
        },
      };
    });
  }

  async cancelOrder(
    rawOrderId: number | string,
    rawReason?: string | null,
    rawOrigin?: ShopChangeOrigin | null,
  ): Promise<Outcome> {
    const orderId = orderIdOf(rawOrderId);
    const reason = validateReason(rawReason, false);
    const origin = validateChangeOrigin(rawOrigin);
    return this.change(orderId, origin, async (tx, order) => {
      if (order.state === 'canceled') return null;
      refuseUnless(order, MERCHANT_CANCELABLE, 'canceled');
      await tx.execute(`UPDATE shop_orders SET state = 'canceled', updated_at = $1 WHERE id = $2`, [
        this.now(),
        orderId,
      ]);
      return { to: 'canceled', payload: { kind: 'canceled', reason } };
    });
  }

  async refundOrder(
    rawOrderId: number | string,
    rawInput?: RefundOrderInput,
    rawOrigin?: ShopChangeOrigin | null,
  ): Promise<Outcome> {
    const orderId = orderIdOf(rawOrderId);
    const input = validateRefundInput(rawInput);
    const origin = validateChangeOrigin(rawOrigin);
    return this.change(orderId, origin, async (tx, order) => {
      if (order.state === 'refunded' && input.lines === undefined) return null;
      refuseUnless(order, MERCHANT_REFUNDABLE, input.lines ? 'partially_refunded' : 'refunded');
      const lines = (
        await tx.query<LineRow>('SELECT * FROM shop_order_lines WHERE order_id = $1 ORDER BY position', [orderId])
      ).map(toLine);
      const refunded: RefundedLine[] = [];
      if (input.lines === undefined) {
        for (const line of lines) {
          const remaining = line.quantity - line.refundedQuantity;
          if (remaining > 0) {
            refunded.push({
              lineId: line.id,
              productId: line.productId,
              quantity: remaining,
              marketplaceLineIds: line.marketplaceLineIds,
            });
          }
        }
      } else {
        for (const wanted of input.lines) {
          const line = lines.find((l) => l.id === wanted.lineId);
          if (!line) {
            throw ShopError.of(
              'UNKNOWN_ORDER_LINE',
              `line ${wanted.lineId} is not a line of order ${shopOrderReference(orderId)}`,
              {
                orderId,
                lineId: wanted.lineId,
              },
            );
          }
          const remaining = line.quantity - line.refundedQuantity;
          if (wanted.quantity > remaining) {
            throw ShopError.of(
              'REFUND_EXCEEDS_QUANTITY',
              `line ${line.id}: ${wanted.quantity} to refund but only ${remaining} not yet refunded`,
              { orderId, lineId: line.id, requested: wanted.quantity, refundable: remaining },
            );
          }
          refunded.push({
            lineId: line.id,
            productId: line.productId,
            quantity: wanted.quantity,
            marketplaceLineIds: line.marketplaceLineIds,
          });
        }
      }
      for (const line of refunded) {
        await tx.execute('UPDATE shop_order_lines SET refunded_quantity = refunded_quantity + $1 WHERE id = $2', [
          line.quantity,
          line.lineId,
        ]);
      }
      const refundedUnits = new Map(refunded.map((l) => [l.lineId, l.quantity]));
      const everything = lines.every((l) => l.refundedQuantity + (refundedUnits.get(l.id) ?? 0) >= l.quantity);
      const to: ShopOrderState = everything ? 'refunded' : 'partially_refunded';
      await tx.execute('UPDATE shop_orders SET state = $1, updated_at = $2 WHERE id = $3', [to, this.now(), orderId]);
      return { to, payload: { kind: to, reason: input.reason ?? null, lines: refunded } };
    });
  }

  /**
   * Runs one merchant change: lock the feed, lock the order, apply, record history and the feed entry, commit.
   * `apply` returns null when the call changes nothing (no history, no feed entry).
   */
  private async change(
    orderId: number,
    origin: ShopChangeOrigin | null,
    apply: (
      tx: SqlExecutor,
      order: OrderRow,
    ) => Promise<{ to: ShopOrderState; payload: ShopStatusChangePayload } | null>,
  ): Promise<Outcome> {
    return this.db.transaction(async (tx) => {
      // Feed ids must become visible in id order, or a consumer that checkpointed id 8 would never see a 7 that
      // committed after 8. The lock (held to commit) is taken before the id is drawn, so ids follow commit order.
      // It is taken before the order's row lock, always, so the two locks cannot deadlock.
      await serialise(tx, CHANGE_FEED_LOCK);
      const order = await lockOrder(tx, orderId);
      const applied = await apply(tx, order);
      let change: ShopStatusChange | null = null;
      if (applied) {
        const at = this.now();
        const { kind, ...payload } = applied.payload;
        await appendHistory(tx, orderId, order.state, applied.to, 'merchant', payload, at);
        // In the entry's own row and transaction: no reader of the feed can see the change without its origin.
        const [row] = await tx.query<{ id: number }>(
          `INSERT INTO shop_status_changes (order_id, kind, from_state, to_state, payload, at, origin)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
          [orderId, kind, order.state, applied.to, JSON.stringify(payload), at, origin && JSON.stringify(origin)],
        );
        change = {
          id: Number(row.id),
          orderId,
          orderReference: shopOrderReference(orderId),
          marketplace: order.marketplace,
          marketplaceOrderId: order.marketplace_order_id,
          fromState: order.state,
          toState: applied.to,
          at,
          origin,
          ...applied.payload,
        };
      }
      const [current] = await readOrders(tx, 'id = $1', [orderId]);
      return { changed: applied !== null, order: current, change };
    });
  }
}

function refuseUnless(order: OrderRow, allowed: readonly ShopOrderState[], to: ShopOrderState): void {
  if (!allowed.includes(order.state)) {
    const id = Number(order.id);
    throw ShopError.of(
      'INVALID_STATE_TRANSITION',
      `order ${shopOrderReference(id)} cannot go from ${order.state} to ${to}`,
      {
        orderId: id,
        from: order.state,
        to,
      },
    );
  }
}

/**
 * The carrier of a shipment: the one named by id (UNKNOWN_CARRIER if none); else a shop carrier with that name; else
 * none (a free carrier name is kept as given); with neither id nor name, the carrier the order was created with.
 */
async function resolveCarrier(tx: SqlExecutor, input: ShipOrderInput, order: OrderRow): Promise<ShopCarrier | null> {
  if (input.carrierId != null) {
    const carrier = await currentCarrier(tx, input.carrierId);
    if (!carrier)
      throw ShopError.of('UNKNOWN_CARRIER', `carrier ${input.carrierId} does not exist in the shop`, {
        carrierId: input.carrierId,
      });
    return carrier;
  }
  if (input.carrierName) {
    const [row] = await tx.query<CarrierRow>(
      'SELECT id, reference_id, name, tracking_url FROM shop_carriers WHERE replaced = 0 AND lower(name) = lower($1) ORDER BY id LIMIT 1',
      [input.carrierName],
    );
    return row ? toShopCarrier(row) : null;
  }
  return order.carrier_reference_id === null ? null : currentCarrier(tx, Number(order.carrier_reference_id));
}
