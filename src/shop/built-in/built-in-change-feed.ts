import type { SqlDatabase } from '../../database/sql-database.port.js';
import { InputChecker } from '../input-checker.js';
import { shopOrderReference, type ShopOrderState } from '../shop-order.js';
import type { ShopChangeOrigin, ShopStatusChange, ShopStatusChangeKind } from '../shop-status-change.js';

interface ChangeRow {
  id: number;
  order_id: number;
  kind: ShopStatusChangeKind;
  from_state: ShopOrderState;
  to_state: ShopOrderState;
  payload: string;
  at: string;
  /** JSON; null for a change made in the shop directly, and for every change written before the column existed. */
  origin: string | null;
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
      `SELECT c.id, c.order_id, c.kind, c.from_state, c.to_state, c.payload, c.at, c.origin, o.marketplace,
         o.marketplace_order_id
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
          origin: row.origin === null ? null : (JSON.parse(row.origin) as ShopChangeOrigin),
          kind: row.kind,
          ...(JSON.parse(row.payload) as object),
        }) as ShopStatusChange,
    );
  }
}
