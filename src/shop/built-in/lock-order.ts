import type { SqlExecutor } from '../../database/sql-database.port.js';
import { ShopError } from '../shop-error.js';
import { parseShopOrderId } from '../shop-order.js';
import type { OrderRow } from './read-orders.js';
import { forUpdate } from './sql-helpers.js';

/** The numeric id of an order id or reference; UNKNOWN_ORDER when it cannot name one. */
export function orderIdOf(id: unknown): number {
  if (typeof id !== 'number' && typeof id !== 'string') {
    throw ShopError.of('INVALID_SHOP_INPUT', 'orderId: must be an order id or reference', { path: 'orderId' });
  }
  const parsed = parseShopOrderId(id);
  if (parsed === null) throw ShopError.of('UNKNOWN_ORDER', `order ${String(id)} does not exist`, { orderId: id });
  return parsed;
}

/** Reads an order for a read-then-write in `tx`, holding its row lock on PostgreSQL until commit. */
export async function lockOrder(tx: SqlExecutor, id: number): Promise<OrderRow> {
  const [row] = await tx.query<OrderRow>(`SELECT * FROM shop_orders WHERE id = $1${forUpdate(tx)}`, [id]);
  if (!row) throw ShopError.of('UNKNOWN_ORDER', `order ${id} does not exist`, { orderId: id });
  return row;
}
