import type { SqlExecutor, SqlParam } from '../../database/sql-database.port.js';
import { parseShopProductId } from '../shop-product-id.js';
import { CatalogueIndex, type CatalogueRow } from './catalogue-index.js';
import { chunks, padded, placeholders } from './sql-helpers.js';

/** Values longer than any stored code cannot match; skipping them keeps garbage out of the query. */
const MAX_VALUE_LENGTH = 255;

/** CatalogueRow's columns, named: a whole family comes back per lookup, and named columns are read faster. */
const CATALOGUE_COLUMNS =
  'shop_id, product_id, attribute_id, name, reference, ean13, upc, isbn, active, stock, price_cents';

/**
 * Loads every product family that any of `values` could name — by id, reference, EAN13, UPC or ISBN — with all its
 * variants, in as few queries as the values need (one for a normal cart).
 */
export async function loadCatalogueIndex(exec: SqlExecutor, rawValues: Iterable<string>): Promise<CatalogueIndex> {
  const values = new Set<string>();
  for (const raw of rawValues) {
    const value = raw.trim();
    if (value !== '' && value.length <= MAX_VALUE_LENGTH) values.add(value);
  }
  const rows = new Map<string, CatalogueRow>();
  for (const batch of chunks([...values]).map(padded)) {
    const ids = padded([...new Set(batch.flatMap((value) => parseShopProductId(value)?.productId ?? []))]);
    const params: SqlParam[] = [...batch, ...ids];
    const inValues = placeholders(batch.length);
    const lowered = batch.map((_, i) => `lower($${i + 1})`).join(', ');
    const idClause = ids.length > 0 ? `product_id IN (${placeholders(ids.length, batch.length + 1)}) OR ` : '';
    const found = await exec.query<CatalogueRow>(
      `SELECT ${CATALOGUE_COLUMNS} FROM shop_products WHERE product_id IN (
         SELECT product_id FROM shop_products
         WHERE ${idClause}lower(reference) IN (${lowered}) OR ean13 IN (${inValues}) OR upc IN (${inValues})
            OR isbn IN (${inValues})
       )`,
      params,
    );
    for (const row of found) rows.set(row.shop_id, row);
  }
  return new CatalogueIndex([...rows.values()]);
}

/**
 * The products named by shop id (`1001_3`, `1001`), for the shop's own checks, which only ever resolve `'id'`: each
 * named row, its parent (a variant is active only if its parent is), and the whole family only of a named parent (to
 * tell a simple product from a parent that needs a variant). The index answers `resolve('id', …)` for the named ids
 * exactly as one over whole families would, with one or two rows per line instead of every variant of each family:
 * the creation and stock checks ask this of every imported order, and whole families made up most of their cost.
 * Other lookups need `loadCatalogueIndex`.
 */
export async function loadCatalogueByShopId(exec: SqlExecutor, shopIds: Iterable<string>): Promise<CatalogueIndex> {
  const products = new Set<number>();
  const attributes = new Set<number>();
  const parents = new Set<number>();
  for (const shopId of shopIds) {
    const parsed = parseShopProductId(shopId);
    if (!parsed) continue;
    products.add(parsed.productId);
    if (parsed.attributeId > 0) attributes.add(parsed.attributeId);
    else parents.add(parsed.productId);
  }
  const attributeList = padded([...attributes]);
  const parentList = padded([...parents]);
  const rows = new Map<string, CatalogueRow>();
  for (const batch of chunks([...products]).map(padded)) {
    const params: SqlParam[] = [...batch];
    const wanted = ['attribute_id = 0'];
    if (attributeList.length > 0) {
      wanted.push(`attribute_id IN (${placeholders(attributeList.length, params.length + 1)})`);
      params.push(...attributeList);
    }
    if (parentList.length > 0) {
      wanted.push(`product_id IN (${placeholders(parentList.length, params.length + 1)})`);
      params.push(...parentList);
    }
    const found = await exec.query<CatalogueRow>(
      `SELECT ${CATALOGUE_COLUMNS} FROM shop_products
       WHERE product_id IN (${placeholders(batch.length)}) AND (${wanted.join(' OR ')})`,
      params,
    );
    for (const row of found) rows.set(row.shop_id, row);
  }
  return new CatalogueIndex([...rows.values()]);
}
