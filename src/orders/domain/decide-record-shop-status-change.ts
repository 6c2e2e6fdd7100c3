import { requireImported, requireText } from './command-guards.js';
import { parseInstant, toIso } from './instant.js';
import type { RecordShopStatusChange } from './order-commands.js';
import { OrderDomainError } from './order-domain-error.js';
import { orderEvent, type OrderEvent } from './order-events.js';
import type { OrderState, ShopChange, ShopOrderRecord } from './order-state.js';
import type { RefundedLine } from './shop-status-events.js';

const KIND_OF_EVENT = {
  shipped: 'ShopOrderShipped',
  canceled: 'ShopOrderCanceled',
  refunded: 'ShopOrderRefunded',
  line_refunded: 'ShopOrderLineRefunded',
} as const;

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

function checkRefundedLines(state: OrderState, shopOrder: ShopOrderRecord, lines: readonly RefundedLine[]): void {
  if (!Array.isArray(lines) || lines.length === 0)
    throw new OrderDomainError('INVALID_COMMAND', 'a line refund needs at least one line');
  const ordered = new Map(
    shopOrder.lines.flatMap((line) => line.sourceLines).map((source) => [source.marketplaceLineId, source.quantity]),
  );
  for (const line of lines) {
    const quantity = ordered.get(line.marketplaceLineId);
    if (quantity === undefined)
      throw new OrderDomainError(
        'LINE_NOT_FOUND',
        `line ${String(line.marketplaceLineId)} is not in shop order ${shopOrder.shopOrderId}`,
      );
    if (!Number.isInteger(line.quantity) || line.quantity <= 0)
      throw new OrderDomainError(
        'INVALID_COMMAND',
        `refunded quantity of line ${line.marketplaceLineId} must be a positive integer`,
      );
    if (refundedSoFar(state, shopOrder.shopOrderId, line.marketplaceLineId) + line.quantity > quantity) {
      throw new OrderDomainError(
        'REFUND_QUANTITY_EXCEEDED',
        `line ${line.marketplaceLineId} has only ${quantity} item(s) to refund`,
      );
    }
  }
}

/**
 * The merchant's reason, trimmed; blank counts as none, so the marketplace's default reason applies. Any text is kept:
 * whether the marketplace takes it is for the action's own checks against its definition to say, with the valid values.
 */
function merchantReason(change: { readonly reason?: unknown }): { reason?: string } {
  const { reason } = change;
  if (reason === undefined || reason === null) return {};
  if (typeof reason !== 'string') throw new OrderDomainError('INVALID_COMMAND', 'reason must be a string');
  const trimmed = reason.trim();
  return trimmed === '' ? {} : { reason: trimmed };
}

/**
 * The merchant changed a shop order (shipped, canceled, refunded, refunded some lines). Each shop change is recorded
 * once by its id; replaced shop orders (technical error after a re-import) must not speak for the marketplace order.
 */
export function decideRecordShopStatusChange(command: RecordShopStatusChange, state: OrderState): OrderEvent[] {
  const { data } = command;
  const at = toIso(parseInstant(data.now));
  requireImported(state, data.orderKey);
  const changeId = requireText(data.changeId, 'changeId');
  const change = data.change;
  if (!change || !(change.kind in KIND_OF_EVENT))
    throw new OrderDomainError('INVALID_COMMAND', 'unknown shop status change');

  const known = state.shopChanges.find((candidate) => candidate.changeId === changeId);
  if (known) {
    if (known.kind === change.kind && known.shopOrderId === data.shopOrderId) return [];
    throw new OrderDomainError(
      'SHOP_CHANGE_CONFLICT',
      `shop change ${changeId} was already recorded as ${known.kind} of ${known.shopOrderId}`,
    );
  }
  const shopOrder = state.shopOrders.find((order) => order.shopOrderId === data.shopOrderId);
  if (!shopOrder)
    throw new OrderDomainError(
      'SHOP_ORDER_NOT_FOUND',
      `shop order ${String(data.shopOrderId)} does not belong to this order`,
    );
  if (shopOrder.status === 'replaced')
    throw new OrderDomainError(
      'SHOP_ORDER_REPLACED',
      `shop order ${shopOrder.shopOrderId} was replaced by a re-import`,
    );

  const base = { changeId, shopOrderId: shopOrder.shopOrderId, at };
  switch (change.kind) {
    case 'shipped':
      return [
        orderEvent('ShopOrderShipped', {
          ...base,
          carrier: change.carrier ?? null,
          trackingNumber: change.trackingNumber ?? null,
          trackingUrl: change.trackingUrl ?? null,
          returnCarrier: change.returnCarrier ?? null,
          returnTrackingNumber: change.returnTrackingNumber ?? null,
        }),
      ];
    case 'canceled':
      return [orderEvent('ShopOrderCanceled', { ...base, ...merchantReason(change) })];
    case 'refunded':
      return [orderEvent('ShopOrderRefunded', { ...base, ...merchantReason(change) })];
    case 'line_refunded': {
      const reason = merchantReason(change);
      checkRefundedLines(state, shopOrder, change.lines);
      return [
        orderEvent('ShopOrderLineRefunded', {
          ...base,
          ...reason,
          lines: change.lines.map((line) => ({ marketplaceLineId: line.marketplaceLineId, quantity: line.quantity })),
        }),
      ];
    }
  }
}
