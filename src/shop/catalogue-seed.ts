import type { CarrierInput } from './shop-carrier.js';
import type { ShopCountry } from './shop-country.js';

export interface SeedVariant {
  attributeId: number;
  name: string;
  reference?: string | null;
  ean13?: string | null;
  upc?: string | null;
  isbn?: string | null;
  active?: boolean;
  stock?: number;
  priceCents?: number;
}

export interface SeedProduct {
  id: number;
  name: string;
  reference?: string | null;
  ean13?: string | null;
  upc?: string | null;
  isbn?: string | null;
  active?: boolean;
  /** Ignored for a product with variants: their stock is what sells. */
  stock?: number;
  priceCents?: number;
  variants?: SeedVariant[];
}

/**
 * What the shop can be seeded with. Seeding only adds what is missing: an existing product, currency, country or
 * carrier (matched by name) is left as it is, so seeding at every boot never resets stock taken by orders nor undoes
 * an operator's catalogue fix.
 */
export interface CatalogueSeed {
  products?: SeedProduct[];
  /** ISO 4217 codes to enable when the shop does not know them yet. */
  currencies?: string[];
  countries?: ShopCountry[];
  carriers?: CarrierInput[];
}

export interface SeedReport {
  productsAdded: number;
  currenciesAdded: number;
  countriesAdded: number;
  carriersAdded: number;
}
