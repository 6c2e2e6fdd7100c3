import { requireSeen } from './command-guards.js';
import { decideRecordStockDecrementFailed } from './decide-record-stock-decrement-failed.js';
import { decideRecordStockDecremented } from './decide-record-stock-decremented.js';
import { evolve } from './evolve.js';
import type { CreatedShopOrder, ImportedOrderData } from './import-events.js';
import { parseInstant, toIso } from './instant.js';
import type { RecordShopOrdersCreated } from './order-commands.js';
import { OrderDomainError } from './order-domain-error.js';
import { orderEvent, type OrderEvent } from './order-events.js';
import { activeShopOrders, type OrderState } from './order-state.js';

const sameIds = (state: OrderState, ids: Readonly<Record<string, string>>) => {
  const active = activeShopOrders(state);
  return (
    active.length === Object.keys(ids).length && active.every((order) => ids[order.key]?.trim() === order.shopOrderId)
  );
};

/**
 * The shop created the planned orders. The first creation is `OrderImported` (with the stock decrement intent), any
 * later generation is `OrderReimported` (previous shop orders replaced, no stock). Replays of the same result are no-ops.
 * When the creation brings the shop's answer to the planned decrement, that answer is recorded in the same decision, by
 * the stock's own rules (`decideRecordStockDecremented` / `decideRecordStockDecrementFailed`), and `OrderImported`
 * says so, for the stock saga to leave it alone.
 */
export function decideRecordShopOrdersCreated(command: RecordShopOrdersCreated, state: OrderState): OrderEvent[] {
  const created = decideCreation(command, state);
  const { stock, orderKey, now } = command.data;
  if (stock === undefined || stock === null) return created;
  if (stock.outcome !== 'decremented' && stock.outcome !== 'refused')
    throw new OrderDomainError(
      'INVALID_COMMAND',
      `unknown stock outcome ${String((stock as { outcome?: unknown }).outcome)}`,
    );
  if (created.some((event) => event.type === 'OrderReimported'))
    throw new OrderDomainError(
      'STOCK_DECREMENT_NOT_EXPECTED',
      'a re-import takes no stock: its orders replace imported ones',
    );
  const recorded = created.map((event) =>
    event.type === 'OrderImported'
      ? orderEvent('OrderImported', { ...event.data, stockDecrementTried: true as const })
      : event,
  );
  const after = recorded.reduce(evolve, state);
  const stockEvents =
    stock.outcome === 'decremented'
      ? decideRecordStockDecremented({ type: 'RecordStockDecremented', data: { orderKey, key: stock.key, now } }, after)
      : decideRecordStockDecrementFailed(
          { type: 'RecordStockDecrementFailed', data: { orderKey, key: stock.key, failure: stock.failure, now } },
          after,
        );
  return [...recorded, ...stockEvents];
}

function decideCreation(command: RecordShopOrdersCreated, state: OrderState): OrderEvent[] {
  const { data } = command;
  const at = toIso(parseInstant(data.now));
  const orderKey = requireSeen(state, data.orderKey);
  const pending = state.pendingImport;
  const ids = data.shopOrderIds ?? {};
  if (pending === null) {
    if (state.import.status === 'imported' && state.generation === data.generation && sameIds(state, ids)) return [];
    throw new OrderDomainError('NO_PENDING_IMPORT', 'no shop order creation is pending for this order');
  }
  const { plan } = pending;
  if (plan.generation !== data.generation) {
    throw new OrderDomainError(
      'IMPORT_GENERATION_MISMATCH',
      `pending import is generation ${plan.generation}, not ${data.generation}`,
    );
  }
  const expected = plan.shopOrders.map((order) => order.key).sort();
  const given = Object.keys(ids).sort();
  const complete =
    expected.length === given.length &&
    expected.every((key, index) => key === given[index] && typeof ids[key] === 'string' && ids[key].trim() !== '');
  if (!complete)
    throw new OrderDomainError(
      'SHOP_ORDER_KEYS_MISMATCH',
      'shop order ids must be given for exactly the planned keys',
      { expected, given },
    );

  const shopOrders: CreatedShopOrder[] = plan.shopOrders.map((order) => ({
    ...order,
    shopOrderId: String(ids[order.key]).trim(),
  }));
  const base: ImportedOrderData = {
    orderKey,
    generation: plan.generation,
    marketplaceStatus: plan.marketplaceStatus,
    lengowStatus: plan.lengowStatus,
    currency: plan.currency,
    customer: plan.customer,
    business: plan.business,
    shippedByMarketplace: plan.shippedByMarketplace,
    filledIn: plan.filledIn,
    shopOrders,
    merchantOrderIds: { key: plan.merchantOrderIdsKey, ids: shopOrders.map((order) => order.shopOrderId) },
    at,
  };
  if (state.generation === 0) return [orderEvent('OrderImported', { ...base, stockDecrement: plan.stockDecrement })];
  return [
    orderEvent('OrderReimported', {
      ...base,
      replacedShopOrderIds: activeShopOrders(state).map((order) => order.shopOrderId),
    }),
  ];
}
