import { OrderDomainError } from './order-domain-error.js';
import { orderKeyOf, orderStreamName, sameOrderKey, type OrderKey } from './order-key.js';
import type { OrderState, StockState } from './order-state.js';

/**
 * Normalises the command's order key and refuses a command loaded against another order's stream: a wiring mistake
 * must not write one order's facts into another's history.
 */
export function checkOrderKey(state: OrderState, key: OrderKey): OrderKey {
  const normalised = orderKeyOf(key?.marketplace, key?.marketplaceOrderId);
  if (state.orderKey !== null && !sameOrderKey(state.orderKey, normalised)) {
    throw new OrderDomainError(
      'ORDER_KEY_MISMATCH',
      `command for ${orderStreamName(normalised)} applied to ${orderStreamName(state.orderKey)}`,
    );
  }
  return normalised;
}

export function requireSeen(state: OrderState, key: OrderKey): OrderKey {
  const checked = checkOrderKey(state, key);
  if (state.import.status === 'not_seen' && state.pendingImport === null) {
    throw new OrderDomainError('ORDER_NOT_FOUND', `order ${orderStreamName(checked)} has never been seen`);
  }
  return checked;
}

export function requireImported(state: OrderState, key: OrderKey): OrderKey {
  const checked = requireSeen(state, key);
  if (state.import.status !== 'imported')
    throw new OrderDomainError('ORDER_NOT_IMPORTED', `order ${orderStreamName(checked)} has no shop order`);
  return checked;
}

export function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new OrderDomainError('INVALID_COMMAND', `${field} is required`);
  return value.trim();
}

/** The stock decrement the command names, which must be the one the import planned (recorded outcomes need it). */
export function requirePlannedStockDecrement(state: OrderState, key: unknown): Exclude<StockState, { status: 'none' }> {
  const stock = state.stock;
  if (stock.status === 'none' || stock.plan.key !== key) {
    throw new OrderDomainError(
      'STOCK_DECREMENT_NOT_EXPECTED',
      `no stock decrement ${String(key)} is planned for this order`,
    );
  }
  return stock;
}
