import { createHash } from 'node:crypto';
import type { OrderSettingsSnapshot } from '../../settings/order-settings.port.js';
import type { ShopImportContext } from './import-lookups-resolver.js';

/**
 * The `configurationRevision` the import decides with: a digest of everything an import verdict depends on besides
 * the order itself — import settings, carrier mappings, and the shop's currencies, countries and carriers. When it
 * moves, failures parked on the old configuration are tried again on the next poll (lengow-api.md §13 #5).
 *
 * Not the settings stream's revision: that one also moves when a marketplace is merely seen (`RecordMarketplaceSeen`,
 * which the import itself sends), and every such sighting would re-drive — and re-append — every parked failure.
 * The window and the interval are left out for the same reason: they change when orders are read, not how.
 * The catalogue's products are not in it (the shop port exposes no revision for them): after fixing a product, an
 * operator re-imports the order (`ReimportOrderNow`).
 */
export function configurationRevision(
  settings: Pick<OrderSettingsSnapshot, 'import' | 'carrierMappings'>,
  shop: Pick<ShopImportContext, 'currencies' | 'countries' | 'carriers'>,
): string {
  const material = {
    import: canonical(settings.import),
    carrierMappings: canonical(settings.carrierMappings),
    currencies: [...shop.currencies].sort(),
    countries: Object.entries(shop.countries)
      .map(([code, country]) => [code, country.active])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
    carriers: shop.carriers.map((carrier) => [carrier.id, carrier.referenceId, carrier.name, carrier.trackingUrl]),
  };
  return `cfg-${createHash('sha256').update(JSON.stringify(material)).digest('hex').slice(0, 20)}`;
}

/** Objects with their keys sorted, so the digest does not depend on insertion order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
