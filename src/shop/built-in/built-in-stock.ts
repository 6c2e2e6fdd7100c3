import type { SqlDatabase, SqlExecutor } from '../../database/sql-database.port.js';
import { InputChecker } from '../input-checker.js';
import { ShopError, type ShopProblem } from '../shop-error.js';
import type { DecrementStockOptions, StockLine, StockMovement, StockMovementLine } from '../shop-stock.js';
import { StockShortfall, type StockShortfallLine } from '../stock-shortfall.js';
import { validateStockLines } from '../validate-shop-input.js';
import { fingerprint } from './fingerprint.js';
import { loadCatalogueByShopId } from './load-catalogue-index.js';

type MovementKind = StockMovement['kind'];

/**
 * Exactly-once stock effects. The key is claimed by a primary key in the same transaction as the stock updates, so a
 * duplicate (a retry after a crash, or a concurrent call from another process) either waits for the first and finds
 * its result, or — if the first rolled back — applies the movement itself. Never both.
 */
export class BuiltInStock {
  constructor(
    private readonly db: SqlDatabase,
    private readonly now: () => string,
  ) {}

  decrementStock(key: string, lines: StockLine[], options: DecrementStockOptions = {}): Promise<StockMovement> {
    const checker = new InputChecker();
    const allowNegative = checker.boolean(options?.allowNegative ?? false, 'options.allowNegative');
    checker.done();
    return this.move('decrement', key, lines, allowNegative);
  }

  restoreStock(key: string, lines: StockLine[]): Promise<StockMovement> {
    return this.move('restore', key, lines, true);
  }

  private async move(
    kind: MovementKind,
    rawKey: string,
    rawLines: StockLine[],
    allowNegative: boolean,
  ): Promise<StockMovement> {
    const { key, lines } = validateStockLines(rawKey, rawLines);
    // The option is not part of the content: whatever it was, the key's effect on these lines happened once.
    const digest = fingerprint(lines);
    return this.db.transaction(async (tx) => {
      const at = this.now();
      const claimed = await tx.execute(
        `INSERT INTO shop_stock_movements (kind, idempotency_key, fingerprint, lines, at)
         VALUES ($1, $2, $3, '[]', $4) ON CONFLICT (kind, idempotency_key) DO NOTHING`,
        [kind, key, digest, at],
      );
      if (claimed === 0) return replay(tx, kind, key, digest);

      await checkProducts(tx, lines);
      const sign = kind === 'decrement' ? -1 : 1;
      const moved: StockMovementLine[] = [];
      const shortages: StockShortfallLine[] = [];
      // Lines come sorted by product id: concurrent movements lock the rows in the same order and cannot deadlock.
      for (const line of lines) {
        const [row] = await tx.query<{ stock: number }>(
          'UPDATE shop_products SET stock = stock + $1, updated_at = $2 WHERE shop_id = $3 RETURNING stock',
          [sign * line.quantity, at, line.productId],
        );
        const stockAfter = Number(row.stock);
        const stockBefore = stockAfter - sign * line.quantity;
        const shortfall = kind === 'decrement' ? Math.max(0, line.quantity - Math.max(stockBefore, 0)) : 0;
        moved.push({ productId: line.productId, quantity: line.quantity, stockBefore, stockAfter, shortfall });
        if (shortfall > 0 && !allowNegative) {
          shortages.push({ productId: line.productId, requested: line.quantity, available: stockBefore });
        }
      }
      // Throwing rolls back every line and the key claim: nothing is taken, and a retry after restocking can succeed.
      if (shortages.length > 0) throw new StockShortfall(shortages);
      await tx.execute('UPDATE shop_stock_movements SET lines = $1 WHERE kind = $2 AND idempotency_key = $3', [
        JSON.stringify(moved),
        kind,
        key,
      ]);
      return { kind, key, applied: true, lines: moved, at };
    });
  }
}

async function replay(tx: SqlExecutor, kind: MovementKind, key: string, digest: string): Promise<StockMovement> {
  const [row] = await tx.query<{ fingerprint: string; lines: string; at: string }>(
    'SELECT fingerprint, lines, at FROM shop_stock_movements WHERE kind = $1 AND idempotency_key = $2',
    [kind, key],
  );
  if (row.fingerprint !== digest) {
    throw ShopError.of('IDEMPOTENCY_KEY_REUSED', `stock ${kind} key "${key}" was already used for other lines`, {
      key,
      kind,
    });
  }
  return { kind, key, applied: false, lines: JSON.parse(row.lines) as StockMovementLine[], at: row.at };
}

async function checkProducts(tx: SqlExecutor, lines: StockLine[]): Promise<void> {
  const index = await loadCatalogueByShopId(
    tx,
    lines.map((l) => l.productId),
  );
  const problems: ShopProblem[] = [];
  lines.forEach((line) => {
    const result = index.resolve('id', line.productId);
    if (result.status === 'parent_without_variant') {
      problems.push({
        code: 'PRODUCT_VARIATION_NEEDED',
        message: `product ${line.productId} is a parent ID. Product variation is needed`,
        productId: line.productId,
      });
    } else if (result.status !== 'found') {
      problems.push({
        code: 'UNKNOWN_PRODUCT',
        message: `product ${line.productId} could not be found`,
        productId: line.productId,
      });
    }
  });
  if (problems.length > 0) throw new ShopError(problems);
}
