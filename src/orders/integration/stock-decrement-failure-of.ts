import type { ProductNotInShop, ProductNotInShopReason } from '../domain/product-not-in-shop.js';
import type { StockDecrementFailure } from '../domain/stock-decrement-failure.js';
import { ShopError, type ShopErrorCode } from '../../shop/shop-error.js';
import { StockShortfall } from '../../shop/stock-shortfall.js';

/**
 * The shop's refusals of a decrement that only someone in the shop can fix: the catalogue changed since the import
 * found every product as the order names it (a product or variant deleted, a product split into variants). A
 * redelivery would meet the same catalogue, so the refusal is recorded on the order for the operator, who puts the
 * product back and retries. An inactive product is no refusal: the shop decrements it like any other (it still holds
 * stock, as in PrestaShop), so deactivating one after the import takes its units as usual.
 */
const PRODUCT_REFUSALS: Partial<Record<ShopErrorCode, ProductNotInShopReason>> = {
  UNKNOWN_PRODUCT: 'missing',
  PRODUCT_VARIATION_NEEDED: 'has_variants',
};

/**
 * What a failed decrement records on the order, or null when it must be thrown on for the stock saga to retry, then
 * park. Recorded: a shortfall (`StockShortfall`, "force product" off) and product refusals (above), which wait for the
 * operator. Thrown on: anything not a ShopError (shop unreachable, timeouts), and every other code. INVALID_SHOP_INPUT
 * and IDEMPOTENCY_KEY_REUSED mean the engine sent what it never should (a bug): recording them would send the operator
 * to fix a catalogue that is fine, while a parked event alerts whoever can fix the code. A refusal mixing a product
 * problem with any other, or one that does not say which product, is thrown on too: the operator could not act on it.
 */
export function stockDecrementFailureOf(error: unknown): StockDecrementFailure | null {
  if (error instanceof StockShortfall) {
    const shortfall = error.lines.map((line) => ({
      productId: line.productId,
      ordered: line.requested,
      inStock: Math.max(line.available, 0),
    }));
    return { code: 'STOCK_SHORTFALL', shortfall };
  }
  if (!(error instanceof ShopError)) return null;
  const products: ProductNotInShop[] = [];
  for (const problem of error.problems) {
    const reason = PRODUCT_REFUSALS[problem.code];
    if (!reason || typeof problem.productId !== 'string' || problem.productId.trim() === '') return null;
    const productId = problem.productId.trim();
    if (!products.some((product) => product.productId === productId)) products.push({ productId, reason });
  }
  return { code: 'PRODUCT_NOT_IN_SHOP', products };
}
