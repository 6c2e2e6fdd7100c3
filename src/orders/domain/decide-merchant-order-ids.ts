import { requireImported, requireText } from './command-guards.js';
import { idempotencyKeys } from './idempotency-keys.js';
import { lengowText } from './import-failure.js';
import { parseInstant, toIso } from './instant.js';
import type { RecordMerchantOrderIdsSent, ResynchronizeOrder } from './order-commands.js';
import { OrderDomainError } from './order-domain-error.js';
import { orderEvent, type OrderEvent } from './order-events.js';
import { activeShopOrders, type OrderState } from './order-state.js';

/**
 * Outcome of a moi PATCH (lengow-api.md §7). The first one after an import is `MerchantOrderIdsSent`, one asked by the
 * operator is `OrderResynchronised`. A late success after a failure is recorded; anything after success is a no-op.
 */
export function decideRecordMerchantOrderIdsSent(command: RecordMerchantOrderIdsSent, state: OrderState): OrderEvent[] {
  const { data } = command;
  const at = toIso(parseInstant(data.now));
  requireImported(state, data.orderKey);
  const request = state.moi.find((candidate) => candidate.key === data.key);
  if (!request)
    throw new OrderDomainError(
      'MOI_REQUEST_NOT_FOUND',
      `no merchant order id request ${String(data.key)} on this order`,
    );
  if (request.status === 'sent') return [];
  if (data.outcome.kind === 'failed') {
    // Lengow's answer to the PATCH may be in it; compared as stored, so an unchanged failure is still no news.
    const message = lengowText(requireText(data.outcome.message, 'message'));
    if (request.status === 'failed' && request.message === message) return [];
    return [orderEvent('MerchantOrderIdsFailed', { key: request.key, message, at })];
  }
  const payload = { key: request.key, merchantOrderIds: request.merchantOrderIds, at };
  return [
    request.purpose === 'import'
      ? orderEvent('MerchantOrderIdsSent', payload)
      : orderEvent('OrderResynchronised', payload),
  ];
}

/** "Re-synchronise": send every current shop order id again. While one is pending, asking again changes nothing. */
export function decideResynchronizeOrder(command: ResynchronizeOrder, state: OrderState): OrderEvent[] {
  const { data } = command;
  const at = toIso(parseInstant(data.now));
  const orderKey = requireImported(state, data.orderKey);
  if (state.moi.some((request) => request.status === 'pending')) return [];
  const sequence = state.moi.filter((request) => request.purpose === 'resynchronisation').length + 1;
  return [
    orderEvent('OrderResynchronisationRequested', {
      key: idempotencyKeys.resynchronisation(orderKey, state.generation, sequence),
      sequence,
      merchantOrderIds: activeShopOrders(state).map((order) => order.shopOrderId),
      at,
    }),
  ];
}
