import { orderKeyOf } from '../../orders/domain/order-key.js';
import { RetryOrderStockDecrement } from '../../orders/integration/retry-order-stock-decrement.js';
import { defineCommand, orderRevision } from './catalogue-entry.js';
import { RetryOrderStockDecrementPayload } from './order-stock-payloads.js';

/** Stock: the operator's retry of a decrement the shop refused for want of units. */

export const RETRY_STOCK_DECREMENT = defineCommand({
  name: 'retry-stock-decrement',
  description:
    'Try the order’s stock decrement again after restocking, when the shop refused it for want of units ' +
    '(the shop takes the units at most once)',
  payload: RetryOrderStockDecrementPayload,
  role: 'operator',
  concurrency: 'order',
  orderKeyOf: (payload) => orderKeyOf(payload.marketplace, payload.marketplaceOrderId),
  build: (payload, metadata, options) =>
    new RetryOrderStockDecrement(
      { marketplace: payload.marketplace, marketplaceOrderId: payload.marketplaceOrderId },
      metadata,
      orderRevision(options),
    ),
});
