import { sameText, type CarrierMappingView, type ShopCarrier } from './carrier-mapping.js';
import { importFailures, type ImportFailure } from './import-failure.js';
import type { MarketplaceDefinition } from './marketplace-definition.js';
import type { PackageTracking } from './marketplace-order-snapshot.js';

export type CarrierResolvedBy =
  'carrier_code' | 'carrier_label' | 'method_label' | 'method_code' | 'method_as_carrier' | 'default';

export type ImportCarrierResolution =
  | { readonly ok: true; readonly shopCarrier: ShopCarrier; readonly resolvedBy: CarrierResolvedBy }
  | { readonly ok: false; readonly failure: ImportFailure };

export interface ResolveImportCarrierInput {
  readonly tracking: PackageTracking | null;
  /** Delivery country (ISO alpha-2); the caller reports a missing country itself. */
  readonly country: string;
  readonly definition: Pick<MarketplaceDefinition, 'label' | 'carriers' | 'shippingMethods'>;
  readonly mapping: CarrierMappingView;
}

const codesWithLabel = (entries: MarketplaceDefinition['carriers'], label: string) =>
  Object.entries(entries)
    .filter(([, entry]) => sameText(entry?.label, label))
    .map(([code]) => code);

/**
 * Shop carrier of an imported order (lengow-api.md §10.1), first match wins: the marketplace carrier by code then by
 * label, the shipping method by label then by code, the method compared with mapped carriers (plugin 3.9.0), and
 * finally the default carrier for (country, marketplace). Semantic matching (off by default in the plugins) is not done.
 */
export function resolveImportCarrier({
  tracking,
  country,
  definition,
  mapping,
}: ResolveImportCarrierInput): ImportCarrierResolution {
  const carriers = mapping.carriers.filter((entry) => sameText(entry.country, country));
  const methods = mapping.methods.filter((entry) => sameText(entry.country, country));
  const found = (shopCarrier: ShopCarrier, resolvedBy: CarrierResolvedBy): ImportCarrierResolution => ({
    ok: true,
    shopCarrier,
    resolvedBy,
  });

  const carrier = tracking?.carrier ?? null;
  if (carrier !== null && carrier.trim() !== '') {
    const byCode = carriers.find((entry) => sameText(entry.marketplaceCarrier, carrier));
    if (byCode) return found(byCode.shopCarrier, 'carrier_code');
    const labelled = codesWithLabel(definition.carriers, carrier);
    const byLabel = carriers.find((entry) => labelled.some((code) => sameText(code, entry.marketplaceCarrier)));
    if (byLabel) return found(byLabel.shopCarrier, 'carrier_label');
  }

  const method = tracking?.method ?? null;
  if (method !== null && method.trim() !== '') {
    const labelled = codesWithLabel(definition.shippingMethods, method);
    const byLabel = methods.find((entry) => labelled.some((code) => sameText(code, entry.marketplaceMethod)));
    if (byLabel) return found(byLabel.shopCarrier, 'method_label');
    const byCode = methods.find((entry) => sameText(entry.marketplaceMethod, method));
    if (byCode) return found(byCode.shopCarrier, 'method_code');
    const asCarrier = carriers.find(
      (entry) =>
        sameText(entry.marketplaceCarrier, method) ||
        sameText(definition.carriers[entry.marketplaceCarrier]?.label, method),
    );
    if (asCarrier) return found(asCarrier.shopCarrier, 'method_as_carrier');
  }

  const fallback = mapping.defaults.find((entry) => sameText(entry.country, country) && entry.importCarrier);
  if (fallback?.importCarrier) return found(fallback.importCarrier, 'default');

  return { ok: false, failure: importFailures.noDefaultCarrier(country.toUpperCase(), definition.label) };
}
