import type { CarrierMappingView } from './carrier-mapping.js';

/** A shop product (and variant) a cart line resolved to. */
export interface ShopProductRef {
  readonly productId: string;
  readonly variantId: string | null;
}

export type ProductMatchField = 'merchant_id' | 'marketplace_id' | 'reference' | 'ean' | 'upc' | 'isbn' | 'other';

/**
 * Result of the catalogue search for one line, done by the wiring with the candidates from `productCandidates`
 * (merchant id, then marketplace id, then reference/EAN…).
 */
export type ProductLookup =
  | {
      readonly kind: 'found';
      readonly product: ShopProductRef;
      readonly matchedBy: ProductMatchField;
      readonly available: boolean;
    }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'parent_without_variant'; readonly productId: string }
  | { readonly kind: 'invalid_id' };

export interface ShopCountry {
  readonly name: string;
  readonly active: boolean;
}

/** Everything the import rules would otherwise have to ask the shop or the settings for. */
export interface ImportLookups {
  /** Keyed by marketplace line id. A missing entry is read as "not found". */
  readonly products: Readonly<Record<string, ProductLookup>>;
  /** Whether the order's currency exists and is enabled in the shop. */
  readonly currencyAvailable: boolean;
  /** Shop countries by ISO alpha-2; only listed countries are checked for being active. */
  readonly countries: Readonly<Record<string, ShopCountry>>;
  readonly carrierMapping: CarrierMappingView;
}
