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
