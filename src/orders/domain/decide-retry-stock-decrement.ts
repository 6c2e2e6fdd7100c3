import { requireImported } from './command-guards.js';
import { parseInstant, toIso } from './instant.js';
import type { RetryStockDecrement } from './order-commands.js';
import { OrderDomainError } from './order-domain-error.js';
import { orderEvent, type OrderEvent } from './order-events.js';
import type { OrderState } from './order-state.js';

/**
 * The operator's "try the stock again" after fixing the shop (restocked, products back in the catalogue): only a
 * failed decrement is retried, under its own key, so
 * the shop takes the units at most once. Asking again while the retry is under way changes nothing.
 */
export function decideRetryStockDecrement(command: RetryStockDecrement, state: OrderState): OrderEvent[] {
  const { data } = command;
  const at = toIso(parseInstant(data.now));
  requireImported(state, data.orderKey);
  const stock = state.stock;
  switch (stock.status) {
    case 'failed':
      return [orderEvent('StockDecrementRetryRequested', { key: stock.plan.key, retry: stock.retries + 1, at })];
    case 'pending':
      if ((stock.retries ?? 0) > 0) return [];
      throw new OrderDomainError(
        'NO_FAILED_STOCK_DECREMENT',
        'the stock decrement has not failed: it is still waiting for the shop',
        { stock: 'pending' },
      );
    case 'done':
      throw new OrderDomainError(
        'STOCK_ALREADY_DECREMENTED',
        `the stock of this order was already decremented at ${stock.at}`,
        { stock: 'done' },
      );
    case 'none':
      throw new OrderDomainError(
        'NO_FAILED_STOCK_DECREMENT',
        'this order has no stock decrement (none was planned at import)',
        { stock: 'none' },
      );
  }
}
