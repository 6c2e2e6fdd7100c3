import type { SqlDatabase } from '../../database/sql-database.port.js';
import { InputChecker } from '../input-checker.js';
import { shopOrderReference, type ShopOrderState } from '../shop-order.js';
import type { ShopStatusChange, ShopStatusChangeKind } from '../shop-status-change.js';

interface ChangeRow {
  id: number;
  order_id: number;
  kind: ShopStatusChangeKind;
  from_state: ShopOrderState;
  to_state: ShopOrderState;
  payload: string;
  at: string;
  marketplace: string;
  marketplace_order_id: string;
}

/** Reads the shop change feed from a checkpoint. */
export class BuiltInChangeFeed {
  constructor(private readonly db: SqlDatabase) {}

  async changesAfter(afterId: number, limit: number): Promise<ShopStatusChange[]> {
    const checker = new InputChecker();
    checker.integer(afterId, 'afterId', { min: 0 });
    checker.integer(limit, 'limit', { min: 1, max: 1000 });
    checker.done();
    const rows = await this.db.query<ChangeRow>(
      `SELECT c.id, c.order_id, c.kind, c.from_state, c.to_state, c.payload, c.at, o.marketplace, o.marketplace_order_id
       FROM shop_status_changes c JOIN shop_orders o ON o.id = c.order_id
       WHERE c.id > $1 ORDER BY c.id LIMIT $2`,
      [afterId, limit],
    );
    return rows.map(
      (row) =>
        ({
          id: Number(row.id),
          orderId: Number(row.order_id),
          orderReference: shopOrderReference(Number(row.order_id)),
          marketplace: row.marketplace,
          marketplaceOrderId: row.marketplace_order_id,
          fromState: row.from_state,
          toState: row.to_state,
          at: row.at,
          kind: row.kind,
          ...(JSON.parse(row.payload) as object),
        }) as ShopStatusChange,
    );
  }
}
