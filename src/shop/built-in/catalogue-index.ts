import { parseShopProductId } from '../shop-product-id.js';
import type { LookupStrategy, ProductLookupResult, ShopProduct } from '../shop-product.js';

export interface CatalogueRow {
  shop_id: string;
  product_id: number;
  attribute_id: number;
  name: string;
  reference: string | null;
  ean13: string | null;
  upc: string | null;
  isbn: string | null;
  active: number | boolean;
  stock: number;
  price_cents: number;
}

/**
 * Resolves lookups over whole product families loaded in one query, so a batch of cart lines costs one round trip
 * and "is this a parent with variants?" needs no second query.
 */
export class CatalogueIndex {
  private readonly byShopId = new Map<string, CatalogueRow>();
  private readonly families = new Map<number, CatalogueRow[]>();

  constructor(rows: CatalogueRow[]) {
    for (const row of rows) {
      this.byShopId.set(row.shop_id, row);
      const family = this.families.get(Number(row.product_id)) ?? [];
      family.push(row);
      this.families.set(Number(row.product_id), family);
    }
  }

  resolve(strategy: LookupStrategy, rawValue: string): ProductLookupResult {
    const value = rawValue.trim();
    if (value === '') return { status: 'not_found' };
    return strategy === 'id' ? this.resolveId(value) : this.resolveField(strategy, value);
  }

  /** First conclusive answer over candidates × strategies: a match wins; otherwise the first refusal (parent, ambiguous). */
  resolveQuery(candidates: string[], strategies: readonly LookupStrategy[]): ProductLookupResult {
    let refusal: ProductLookupResult | null = null;
    for (const candidate of candidates) {
      for (const strategy of strategies) {
        const result = this.resolve(strategy, candidate);
        if (result.status === 'found') return result;
        if (result.status !== 'not_found') refusal ??= result;
      }
    }
    return refusal ?? { status: 'not_found' };
  }

  private resolveId(value: string): ProductLookupResult {
    const parsed = parseShopProductId(value);
    if (!parsed) return { status: 'not_found' };
    const family = this.families.get(parsed.productId) ?? [];
    const row = family.find((r) => Number(r.attribute_id) === parsed.attributeId);
    if (!row) return { status: 'not_found' };
    return this.conclude(row, 'id', value);
  }

  private resolveField(strategy: Exclude<LookupStrategy, 'id'>, value: string): ProductLookupResult {
    // References are matched regardless of case (the plugins' MySQL collation does the same); codes exactly.
    const wanted = strategy === 'reference' ? value.toLowerCase() : value;
    const matches = [...this.byShopId.values()].filter((row) => {
      const field = row[strategy];
      if (field === null) return false;
      return (strategy === 'reference' ? field.toLowerCase() : field) === wanted;
    });
    // A variant is the more precise answer, as in the plugins' advanced search, which looks at variants first.
    const variants = matches.filter((r) => Number(r.attribute_id) > 0);
    const chosen = variants.length > 0 ? variants : matches;
    if (chosen.length === 0) return { status: 'not_found' };
    if (chosen.length > 1) {
      return { status: 'ambiguous', candidateIds: chosen.map((r) => r.shop_id).sort(), strategy, value };
    }
    return this.conclude(chosen[0], strategy, value);
  }

  private conclude(row: CatalogueRow, strategy: LookupStrategy, value: string): ProductLookupResult {
    const family = this.families.get(Number(row.product_id)) ?? [];
    if (Number(row.attribute_id) === 0) {
      const variants = family.filter((r) => Number(r.attribute_id) > 0);
      if (variants.length > 0) {
        return {
          status: 'parent_without_variant',
          productId: row.shop_id,
          variantIds: variants.map((r) => r.shop_id).sort(),
          strategy,
          value,
        };
      }
    }
    return { status: 'found', product: this.product(row), strategy, value };
  }

  /** Any loaded product, parents included. */
  productById(shopId: string): ShopProduct | null {
    const row = this.byShopId.get(shopId);
    return row ? this.product(row) : null;
  }

  product(row: CatalogueRow): ShopProduct {
    const attributeId = Number(row.attribute_id);
    const parent = attributeId > 0 ? this.byShopId.get(String(row.product_id)) : undefined;
    return toShopProduct(row, parent);
  }
}

export function toShopProduct(row: CatalogueRow, parent?: CatalogueRow): ShopProduct {
  const attributeId = Number(row.attribute_id);
  return {
    id: row.shop_id,
    productId: Number(row.product_id),
    attributeId: attributeId > 0 ? attributeId : null,
    name: row.name,
    reference: row.reference,
    ean13: row.ean13,
    upc: row.upc,
    isbn: row.isbn,
    active: Boolean(row.active) && (parent === undefined || Boolean(parent.active)),
    stock: Number(row.stock),
    priceCents: Number(row.price_cents),
  };
}
