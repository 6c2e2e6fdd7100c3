import { requireImported, requirePlannedStockDecrement } from './command-guards.js';
import { parseInstant, toIso } from './instant.js';
import type { RecordStockDecrementFailed } from './order-commands.js';
import { OrderDomainError } from './order-domain-error.js';
import { orderEvent, type OrderEvent } from './order-events.js';
import type { OrderState } from './order-state.js';
import { checkStockShortfall, stockShortfallMessage } from './stock-shortfall.js';

/**
 * A shortfall the shop reported for the planned decrement. Recording the same one again appends nothing; other
 * figures (the stock moved before a redelivered try) are recorded, so the stream shows what the shop last said. Once
 * the stock is decremented a failure is refused: the units were taken after all.
 */
export function decideRecordStockDecrementFailed(command: RecordStockDecrementFailed, state: OrderState): OrderEvent[] {
  const { data } = command;
  const at = toIso(parseInstant(data.now));
  requireImported(state, data.orderKey);
  const stock = requirePlannedStockDecrement(state, data.key);
  if (stock.status === 'done') {
    throw new OrderDomainError(
      'STOCK_ALREADY_DECREMENTED',
      `the stock of this order was already decremented at ${stock.at}`,
    );
  }
  const shortfall = checkStockShortfall(data.shortfall);
  const message = stockShortfallMessage(shortfall);
  if (stock.status === 'failed' && stock.message === message) return [];
  return [orderEvent('StockDecrementFailed', { key: stock.plan.key, code: 'STOCK_SHORTFALL', message, shortfall, at })];
}
