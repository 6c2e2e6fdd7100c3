import { sameText, type CarrierMappingView, type ShopCarrier } from './carrier-mapping.js';

export interface ResolveShipCarrierInput {
  /** Carrier the marketplace sent with the order (`trackings[0].carrier`). */
  readonly marketplaceCarrier: string | null;
  readonly deliveryCountry: string | null;
  /** Carrier the merchant shipped with. */
  readonly shopCarrier: ShopCarrier | null;
  readonly mapping: CarrierMappingView;
  /**
   * Whether the marketplace's ship action takes this value for `carrier` (its valid values, when it refuses free ones).
   * Everything by default.
   */
  readonly accepts?: (value: string) => boolean;
}

export type ShipCarrierResolution =
  | {
      readonly kind: 'resolved';
      readonly value: string;
      readonly resolvedBy: 'marketplace' | 'mapping' | 'default' | 'shop_carrier';
    }
  | { readonly kind: 'no_country' }
  | { readonly kind: 'none' };

const filled = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * `carrier` of a ship action (lengow-api.md §10.2), first match wins: what the marketplace sent, the mapped code for
 * (country, marketplace, shop carrier), the marketplace default for (country, marketplace), the shop carrier's name.
 * Everything after the first step needs the delivery country. A carrier the marketplace sent but its own ship action
 * does not take (outside its valid values) is not final: the mapping and the default are tried first, so that the
 * merchant's mapping can fix the order, and it is sent (to be refused by name) only when neither gives a carrier.
 */
export function resolveShipCarrier({
  marketplaceCarrier,
  deliveryCountry,
  shopCarrier,
  mapping,
  accepts = () => true,
}: ResolveShipCarrierInput): ShipCarrierResolution {
  const own = filled(marketplaceCarrier) ? marketplaceCarrier.trim() : null;
  const fromMarketplace = (value: string): ShipCarrierResolution => ({
    kind: 'resolved',
    value,
    resolvedBy: 'marketplace',
  });
  if (own !== null && accepts(own)) return fromMarketplace(own);
  if (!filled(deliveryCountry)) return own !== null ? fromMarketplace(own) : { kind: 'no_country' };
  if (shopCarrier) {
    const mapped = mapping.carriers.find(
      (entry) => sameText(entry.country, deliveryCountry) && entry.shopCarrier.id === shopCarrier.id,
    );
    if (mapped && filled(mapped.marketplaceCarrier))
      return { kind: 'resolved', value: mapped.marketplaceCarrier, resolvedBy: 'mapping' };
  }
  const fallback = mapping.defaults.find(
    (entry) => sameText(entry.country, deliveryCountry) && filled(entry.shipCarrier),
  );
  if (fallback && filled(fallback.shipCarrier))
    return { kind: 'resolved', value: fallback.shipCarrier, resolvedBy: 'default' };
  if (own !== null) return fromMarketplace(own);
  if (shopCarrier && filled(shopCarrier.name))
    return { kind: 'resolved', value: shopCarrier.name, resolvedBy: 'shop_carrier' };
  return { kind: 'none' };
}
