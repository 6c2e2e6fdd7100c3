import { SANDBOX_CATALOGUE, matchCatalogue, type Catalogue } from './catalogue.js';
import type { ImportOutcome, ImportReason } from './import-cases.js';
import { defaultMarketplaces, lengowStatusOf, type LengowStatus, type MarketplaceCatalogue } from './marketplaces.js';

/**
 * Reads an order JSON the way the plugins' import does (lengow-api.md §9, default settings) and says what must happen
 * to it. It is an independent check on the generator: the tests require it to agree with the case schedule.
 */

export interface ImportExpectation {
  outcome: ImportOutcome;
  /** The first reason in pipeline order; null for created orders. */
  reason: ImportReason | null;
  /** Every data-check failure, since the plugins record them all (§9 `checkOrderData`). */
  reasons: ImportReason[];
}

export interface ClassifyOptions {
  marketplaces?: MarketplaceCatalogue;
  catalogue?: Catalogue;
  /** The import time; orders dated three calendar months or more before it are too old. */
  now?: Date;
}

const IMPORTABLE: ReadonlySet<LengowStatus> = new Set(['waiting_shipment', 'shipped', 'closed', 'partial_refunded']);
const DROPPED_LINE_STATES: ReadonlySet<LengowStatus> = new Set(['canceled', 'refused']);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;

export function classifyOrder(order: unknown, options: ClassifyOptions = {}): ImportExpectation {
  const marketplaces = options.marketplaces ?? defaultMarketplaces();
  const catalogue = options.catalogue ?? SANDBOX_CATALOGUE;
  const now = options.now ?? new Date();
  const result = (outcome: ImportOutcome, ...reasons: ImportReason[]): ImportExpectation => ({
    outcome,
    reason: reasons[0] ?? null,
    reasons,
  });

  if (!isObject(order)) return result('not_formatted', 'no_package');
  const packages = Array.isArray(order.packages) ? order.packages.filter(isObject) : [];
  if (packages.length === 0) return result('not_formatted', 'no_package');
  if (packages.some((p) => !isObject(p.delivery) || p.delivery.id == null))
    return result('not_formatted', 'no_delivery_address');

  const definition = marketplaces[String(order.marketplace ?? '').toLowerCase()];
  if (!definition) return result('ignored', 'unknown_marketplace');

  if (order.anonymized === true) return result('ignored', 'anonymized');
  const orderDate = str(order.marketplace_order_date) ?? str(order.imported_at);
  if (orderDate) {
    const limit = new Date(now);
    limit.setUTCMonth(limit.getUTCMonth() - 3);
    if (Date.parse(orderDate) <= limit.getTime()) return result('ignored', 'older_than_3_months');
  }

  const state = lengowStatusOf(definition, str(order.marketplace_status));
  if (!state || !IMPORTABLE.has(state)) return result('ignored', 'status_not_importable');

  const lines = packages.flatMap((p) => (Array.isArray(p.cart) ? p.cart.filter(isObject) : []));
  const lineState = (line: Json) => lengowStatusOf(definition, str(line.marketplace_status));
  if (lines.some((line) => lineState(line) === 'waiting_acceptance'))
    return result('ignored', 'line_waiting_acceptance');

  const failures: ImportReason[] = [];
  const kept = lines.filter((line) => {
    const s = lineState(line);
    return s === null || !DROPPED_LINE_STATES.has(s);
  });
  if (kept.length === 0) failures.push('no_products');
  const currency = isObject(order.currency) ? str(order.currency.iso_a3) : str(order.currency);
  if (!currency) failures.push('no_currency');
  else if (!catalogue.currencies.includes(currency)) failures.push('unknown_currency');
  if (Number(order.total_order) === -1) failures.push('no_exchange_rate');
  // PS 4.2.0 copies the delivery address over a missing billing address before checking it.
  const billing = isObject(order.billing_address) ? order.billing_address : (packages[0].delivery as Json);
  if (!str(billing.common_country_iso_a2)) failures.push('billing_without_country');
  if (packages.some((p) => !str((p.delivery as Json).common_country_iso_a2))) failures.push('missing_delivery_country');
  if (failures.length > 0) return result('failed', ...failures);

  const orderTypes = Array.isArray(order.order_types) ? order.order_types.filter(isObject) : [];
  if (orderTypes.some((t) => t.type === 'is_delivered_by_marketplace'))
    return result('ignored', 'shipped_by_marketplace');

  for (const line of kept) {
    const merchant = isObject(line.merchant_product_id) ? str(line.merchant_product_id.id) : null;
    const candidates = [merchant, str(line.marketplace_product_id)];
    let resolved: 'sellable' | 'parent' | null = null;
    for (const candidate of candidates) {
      const match = matchCatalogue(candidate, catalogue);
      if (match.kind !== 'none') {
        resolved = match.kind;
        break;
      }
    }
    if (resolved === 'parent') return result('failed', 'parent_product');
    if (resolved === null) return result('failed', 'product_not_found');
  }
  return result('created');
}
