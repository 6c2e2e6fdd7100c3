import { OrderDomainError } from './order-domain-error.js';
import { checkProductsNotInShop, productsNotInShopMessage, type ProductNotInShop } from './product-not-in-shop.js';
import { checkStockShortfall, stockShortfallMessage, type StockShortfallLine } from './stock-shortfall.js';

/**
 * Why the shop refused the planned decrement and took nothing, when the operator can fix it on the shop's side and
 * then retry: a shortfall (restock), or products the catalogue no longer has as the order names them (put them back).
 * The shop's other refusals (unreachable, or the engine's own bug such as a reused key) are no such failure: the stock
 * saga retries them, then parks the event.
 */
export type StockDecrementFailure =
  | { readonly code: 'STOCK_SHORTFALL'; readonly shortfall: readonly StockShortfallLine[] }
  | { readonly code: 'PRODUCT_NOT_IN_SHOP'; readonly products: readonly ProductNotInShop[] };

export type StockDecrementFailureCode = StockDecrementFailure['code'];

export const STOCK_DECREMENT_FAILURE_CODES: readonly StockDecrementFailureCode[] = [
  'STOCK_SHORTFALL',
  'PRODUCT_NOT_IN_SHOP',
];

/** A failure checked, with the message that names each product for the operator. */
export type CheckedStockDecrementFailure = StockDecrementFailure & { readonly message: string };

/** A failure as the stock saga reports it, checked, so the message it yields cannot mislead the operator. */
export function checkStockDecrementFailure(failure: unknown): CheckedStockDecrementFailure {
  const { code, shortfall, products } = (failure ?? {}) as Record<string, unknown>;
  switch (code) {
    case 'STOCK_SHORTFALL': {
      const checked = checkStockShortfall(shortfall);
      return { code, shortfall: checked, message: stockShortfallMessage(checked) };
    }
    case 'PRODUCT_NOT_IN_SHOP': {
      const checked = checkProductsNotInShop(products);
      return { code, products: checked, message: productsNotInShopMessage(checked) };
    }
    default:
      throw new OrderDomainError(
        'INVALID_COMMAND',
        `failure.code must be one of ${STOCK_DECREMENT_FAILURE_CODES.join(', ')}`,
      );
  }
}
