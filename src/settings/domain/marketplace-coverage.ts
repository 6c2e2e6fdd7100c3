import type { MarketplaceSettings } from './settings-state.js';

/**
 * When a seen marketplace counts as "mapped" (and leaves `unmappedMarketplaces`): every country it was seen in has
 * at least one carrier mapping or a default carrier (either half) for that country. That is what keeps its orders out
 * of "You must select a default carrier…" at import (lengow-api.md §10.1) and gives `ship` a carrier other than the
 * shop carrier's name (§10.2). Method mappings alone do not count: they only serve the import side.
 *
 * A marketplace seen without any country (a Lengow list entry with no `country_iso_a2`) is mapped once it has any
 * carrier mapping or default at all. A new country seen later flags the marketplace again until that country is
 * covered too.
 */
export function uncoveredCountries(settings: MarketplaceSettings): string[] {
  return (settings.seen?.countries ?? []).filter((country) => !isCountryCovered(settings, country));
}

export function isCountryCovered(settings: MarketplaceSettings, country: string): boolean {
  return (
    settings.carriers.some((entry) => entry.country === country) ||
    settings.defaults.some(
      (entry) => entry.country === country && (entry.importCarrier !== null || entry.shipCarrier !== null),
    )
  );
}

export function isMarketplaceMapped(settings: MarketplaceSettings): boolean {
  if (!settings.seen || settings.seen.countries.length === 0) {
    return settings.carriers.length > 0 || settings.defaults.length > 0;
  }
  return uncoveredCountries(settings).length === 0;
}
