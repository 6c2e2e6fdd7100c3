import { requireImported, requirePlannedStockDecrement } from './command-guards.js';
import { parseInstant, toIso } from './instant.js';
import type { RecordStockDecremented } from './order-commands.js';
import { orderEvent, type OrderEvent } from './order-events.js';
import type { OrderState } from './order-state.js';

/** Stock moves exactly once per order: only the planned decrement can be recorded, and only the first time. */
export function decideRecordStockDecremented(command: RecordStockDecremented, state: OrderState): OrderEvent[] {
  const { data } = command;
  const at = toIso(parseInstant(data.now));
  requireImported(state, data.orderKey);
  const stock = requirePlannedStockDecrement(state, data.key);
  if (stock.status === 'done') return [];
  return [orderEvent('StockDecremented', { key: stock.plan.key, lines: stock.plan.lines, at })];
}
