import type { ShopCountry } from '../shop-country.js';

/** Countries a fresh built-in shop delivers to: the markets of the usual European marketplaces, plus the US. */
export const DEFAULT_COUNTRIES: readonly ShopCountry[] = [
  ['AT', 'Austria'],
  ['BE', 'Belgium'],
  ['CH', 'Switzerland'],
  ['DE', 'Germany'],
  ['DK', 'Denmark'],
  ['ES', 'Spain'],
  ['FR', 'France'],
  ['GB', 'United Kingdom'],
  ['IE', 'Ireland'],
  ['IT', 'Italy'],
  ['LU', 'Luxembourg'],
  ['NL', 'Netherlands'],
  ['PL', 'Poland'],
  ['PT', 'Portugal'],
  ['SE', 'Sweden'],
  ['US', 'United States'],
].map(([isoA2, name]) => ({ isoA2, name, active: true }));

export const DEFAULT_CURRENCIES: readonly string[] = ['EUR', 'GBP', 'USD'];
