import type { ShopCarrier } from '../domain/carrier-mapping.js';
import type { ShopStatusChange as DomainShopStatusChange } from '../domain/order-commands.js';
import type { OrderState, ShopChange } from '../domain/order-state.js';
import type { RefundedLine } from '../domain/shop-status-events.js';
import type { ShopStatusChange } from '../../shop/shop-status-change.js';

/**
 * The shop carrier as the carrier mapping names it: by its reference id, which survives the new versions (and ids)
 * the shop gives a carrier on every edit; a free carrier name the shop does not list keeps only its name.
 */
export function domainCarrierOf(referenceId: number | null, name: string | null): ShopCarrier | null {
  if (referenceId !== null) return { id: String(referenceId), name: name ?? '' };
  return name ? { id: `name:${name}`, name } : null;
}

function refundedSoFar(state: OrderState, shopOrderId: string, lineId: string): number {
  return state.shopChanges
    .filter(
      (change): change is Extract<ShopChange, { kind: 'line_refunded' }> =>
        change.kind === 'line_refunded' && change.shopOrderId === shopOrderId,
    )
    .flatMap((change) => change.lines)
    .filter((line) => line.marketplaceLineId === lineId)
    .reduce((sum, line) => sum + line.quantity, 0);
}

/**
 * The shop refunds its own lines; a shop line merges every marketplace line of the same product, while the refund
 * action names marketplace lines. Units go to the marketplace lines in order, each up to what is left to refund on it.
 */
function marketplaceLines(
  state: OrderState,
  shopOrderId: string,
  refunded: ShopStatusChange & { kind: 'partially_refunded' | 'refunded' },
): RefundedLine[] {
  const sources =
    state.shopOrders.find((order) => order.shopOrderId === shopOrderId)?.lines.flatMap((line) => line.sourceLines) ??
    [];
  const lines: RefundedLine[] = [];
  for (const line of refunded.lines) {
    let units = line.quantity;
    const ids = line.marketplaceLineIds;
    for (const [position, id] of ids.entries()) {
      if (units <= 0) break;
      const source = sources.find((candidate) => candidate.marketplaceLineId === id);
      const room = source ? Math.max(0, source.quantity - refundedSoFar(state, shopOrderId, id)) : units;
      // What no source line can take stays on the last one: the domain then refuses it visibly, nothing is dropped.
      const take = position === ids.length - 1 ? units : Math.min(units, room);
      if (take > 0) lines.push({ marketplaceLineId: id, quantity: take });
      units -= take;
    }
  }
  const merged = new Map<string, number>();
  for (const line of lines)
    merged.set(line.marketplaceLineId, (merged.get(line.marketplaceLineId) ?? 0) + line.quantity);
  return [...merged].map(([marketplaceLineId, quantity]) => ({ marketplaceLineId, quantity }));
}

/** A shop change feed entry as the order domain records it. */
export function toDomainShopChange(change: ShopStatusChange, state: OrderState): DomainShopStatusChange {
  const shopOrderId = String(change.orderId);
  switch (change.kind) {
    case 'shipped':
      return {
        kind: 'shipped',
        carrier: domainCarrierOf(change.carrierReferenceId, change.carrierName),
        trackingNumber: change.trackingNumber,
        trackingUrl: change.trackingUrl,
        returnCarrier: null,
        returnTrackingNumber: null,
      };
    case 'canceled':
      return { kind: 'canceled', reason: change.reason };
    case 'refunded': {
      // The refund that completes earlier partial ones covers only what was left: a whole-order refund would refund
      // the lines already refunded a second time on the marketplace.
      const partly = state.shopChanges.some(
        (known) => known.kind === 'line_refunded' && known.shopOrderId === shopOrderId,
      );
      return partly
        ? { kind: 'line_refunded', lines: marketplaceLines(state, shopOrderId, change), reason: change.reason }
        : { kind: 'refunded', reason: change.reason };
    }
    case 'partially_refunded':
      return { kind: 'line_refunded', lines: marketplaceLines(state, shopOrderId, change), reason: change.reason };
  }
}
