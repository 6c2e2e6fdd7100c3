/**
 * The catalogue as the import pipeline sees it. A product is addressed by its shop id: `<id_product>` for a simple
 * product or a parent, `<id_product>_<id_attribute>` for one variant of a parent (PrestaShop's convention, which
 * marketplaces echo back as the merchant product id).
 */

export type LookupStrategy = 'id' | 'reference' | 'ean13' | 'upc' | 'isbn';

/** The plugins' order: the id forms first, then the "advanced search" fields (lengow-api.md §9 "Products"). */
export const DEFAULT_LOOKUP_STRATEGIES: readonly LookupStrategy[] = ['id', 'reference', 'ean13', 'upc', 'isbn'];

export interface ShopProduct {
  /** `12` or `12_3`. */
  id: string;
  productId: number;
  /** null for a simple product (or a parent). */
  attributeId: number | null;
  name: string;
  reference: string | null;
  ean13: string | null;
  upc: string | null;
  isbn: string | null;
  /** A variant is active only when both it and its parent are. */
  active: boolean;
  /** May be negative when orders were forced through with "force product" on. */
  stock: number;
  /** Tax-included unit price, in cents of the shop's default currency. */
  priceCents: number;
}

export type ProductLookupResult =
  | { status: 'found'; product: ShopProduct; strategy: LookupStrategy; value: string }
  | { status: 'not_found' }
  /** The value named a parent that has variants: the order must name one variant ("Product variation is needed"). */
  | {
      status: 'parent_without_variant';
      productId: string;
      variantIds: string[];
      strategy: LookupStrategy;
      value: string;
    }
  /** Several distinct products carry this reference/EAN: picking one could ship the wrong article. */
  | { status: 'ambiguous'; candidateIds: string[]; strategy: LookupStrategy; value: string };

/** One cart line to resolve: each candidate value is tried with each strategy in order, candidate by candidate. */
export interface ProductQuery {
  /** e.g. `[merchant_product_id.id, marketplace_product_id]`; empty or null entries are skipped. */
  candidates: (string | null | undefined)[];
  strategies?: readonly LookupStrategy[];
}

/** Input of catalogue administration: creates the product or variant, or changes the fields given. */
export interface ProductInput {
  /** `12` for a product, `12_3` for a variant of product 12 (which must exist). */
  id: string;
  name: string;
  reference?: string | null;
  ean13?: string | null;
  upc?: string | null;
  isbn?: string | null;
  active?: boolean;
  /** Left unchanged when omitted on an existing product; 0 for a new one. */
  stock?: number;
  priceCents?: number;
}
