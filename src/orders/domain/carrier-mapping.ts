/**
 * The merchant's carrier settings for one marketplace (lengow-api.md §10), as resolved lookups passed in commands.
 * Countries are ISO 3166 alpha-2; matching is case-insensitive everywhere.
 */
export interface ShopCarrier {
  readonly id: string;
  readonly name: string;
  /** Tracking URL with `@` standing for the tracking number, if the shop knows one. */
  readonly trackingUrlTemplate?: string | null;
}

export interface CarrierMappingEntry {
  readonly country: string;
  /** A code of the definition's `carriers`. */
  readonly marketplaceCarrier: string;
  readonly shopCarrier: ShopCarrier;
}

export interface MethodMappingEntry {
  readonly country: string;
  /** A code of the definition's `shipping_methods`. */
  readonly marketplaceMethod: string;
  readonly shopCarrier: ShopCarrier;
}

export interface DefaultCarrierEntry {
  readonly country: string;
  /** Shop carrier given to imported orders when nothing maps. */
  readonly importCarrier: ShopCarrier | null;
  /** Marketplace carrier code sent with `ship` when nothing maps. */
  readonly shipCarrier: string | null;
}

export interface CarrierMappingView {
  readonly carriers: readonly CarrierMappingEntry[];
  readonly methods: readonly MethodMappingEntry[];
  readonly defaults: readonly DefaultCarrierEntry[];
}

export const EMPTY_CARRIER_MAPPING: CarrierMappingView = { carriers: [], methods: [], defaults: [] };

export function sameText(a: string | null | undefined, b: string | null | undefined): boolean {
  return (
    typeof a === 'string' &&
    typeof b === 'string' &&
    a.trim() !== '' &&
    a.trim().toLowerCase() === b.trim().toLowerCase()
  );
}
