import { OrderDomainError } from './order-domain-error.js';

/**
 * Why the shop's catalogue no longer has a product as the order names it. `missing`: the id is gone (the product or
 * its variant was deleted). `has_variants`: the order names a product that has since been split into variants, whose
 * stock is kept per variant, so the parent id cannot be decremented. Either way the import found it as named.
 */
export const PRODUCT_NOT_IN_SHOP_REASONS = ['missing', 'has_variants'] as const;
export type ProductNotInShopReason = (typeof PRODUCT_NOT_IN_SHOP_REASONS)[number];

/** One product of the planned decrement the shop's catalogue no longer has, in the shop's own product id. */
export interface ProductNotInShop {
  /** The shop's product id: `12`, or `12_3` for a variant. */
  readonly productId: string;
  readonly reason: ProductNotInShopReason;
}

const WORDING: Readonly<Record<ProductNotInShopReason, (productId: string) => string>> = {
  missing: (productId) => `product ${productId} is no longer in the shop catalogue`,
  has_variants: (productId) => `product ${productId} now has variants in the shop catalogue: stock is kept per variant`,
};

/** "product 12_3 is no longer in the shop catalogue; product 40 now has variants in the shop catalogue: …" */
export function productsNotInShopMessage(products: readonly ProductNotInShop[]): string {
  return products.map((product) => WORDING[product.reason](product.productId)).join('; ');
}

/** Products as adapters report them, checked: a product named twice or for no known reason would mislead. */
export function checkProductsNotInShop(products: unknown): ProductNotInShop[] {
  if (!Array.isArray(products) || products.length === 0)
    throw new OrderDomainError('INVALID_COMMAND', 'products must list at least one product');
  const seen = new Set<string>();
  return products.map((product: unknown, index) => {
    const { productId, reason } = (product ?? {}) as Partial<Record<keyof ProductNotInShop, unknown>>;
    const id = typeof productId === 'string' ? productId.trim() : '';
    const valid =
      id !== '' &&
      !seen.has(id) &&
      typeof reason === 'string' &&
      (PRODUCT_NOT_IN_SHOP_REASONS as readonly string[]).includes(reason);
    if (!valid)
      throw new OrderDomainError(
        'INVALID_COMMAND',
        `products[${index}] must name a product not named before, and why the catalogue no longer has it (${PRODUCT_NOT_IN_SHOP_REASONS.join(', ')})`,
      );
    seen.add(id);
    return { productId: id, reason: reason as ProductNotInShopReason };
  });
}
