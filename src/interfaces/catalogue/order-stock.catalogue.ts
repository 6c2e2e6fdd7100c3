import { orderKeyOf } from '../../orders/domain/order-key.js';
import { RetryOrderStockDecrement } from '../../orders/integration/retry-order-stock-decrement.js';
import { defineCommand, orderRevision } from './catalogue-entry.js';
import { RetryOrderStockDecrementPayload } from './order-stock-payloads.js';

/** Stock: the operator's retry of a decrement the shop refused (too few units, or products no longer in its catalogue). */

export const RETRY_STOCK_DECREMENT = defineCommand({
  name: 'retry-stock-decrement',
  description:
    'Try the order’s stock decrement again once the shop is fixed (the products restocked, or back in the ' +
    'catalogue), when the shop refused it (the shop takes the units at most once)',
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
