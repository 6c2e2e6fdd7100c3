import { requireImported, requirePlannedStockDecrement } from './command-guards.js';
import { parseInstant, toIso } from './instant.js';
import type { RecordStockDecrementFailed } from './order-commands.js';
import { OrderDomainError } from './order-domain-error.js';
import { orderEvent, type OrderEvent } from './order-events.js';
import type { OrderState } from './order-state.js';
import { checkStockDecrementFailure } from './stock-decrement-failure.js';

/**
 * A refusal the shop reported for the planned decrement: a shortfall, or products its catalogue no longer has.
 * Recording the same one again appends nothing; another one (the stock moved before a redelivered try, or the
 * operator's retry met another refusal) is recorded, so the stream shows what the shop last said. Once the stock is
 * decremented a failure is refused: the units were taken after all.
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
  const failure = checkStockDecrementFailure(data.failure);
  const { code, message } = failure;
  if (stock.status === 'failed' && stock.code === code && stock.message === message) return [];
  const key = stock.plan.key;
  // A shortfall keeps the shape its events always had; `shortfall` stays on the other code, empty, so a deployment
  // that predates that code still reads the event (see CURRENT_SCHEMA_VERSIONS).
  return failure.code === 'STOCK_SHORTFALL'
    ? [orderEvent('StockDecrementFailed', { key, code, message, shortfall: failure.shortfall, at })]
    : [orderEvent('StockDecrementFailed', { key, code, message, shortfall: [], products: failure.products, at })];
}
