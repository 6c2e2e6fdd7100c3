import { IMPORT_PARAMETER_NAMES, type ImportParameters } from './import-parameters.js';
import type { SettingsEvent } from './settings-events.js';
import { marketplaceSettings, type MarketplaceSettings, type OrderSettingsState } from './settings-state.js';

const byCountryThen =
  <T extends { readonly country: string }>(key: (entry: T) => string) =>
  (a: T, b: T) =>
    a.country.localeCompare(b.country) || key(a).localeCompare(key(b));

function withMarketplace(
  state: OrderSettingsState,
  marketplace: string,
  change: (current: MarketplaceSettings) => MarketplaceSettings,
): OrderSettingsState {
  const next = change(marketplaceSettings(state, marketplace));
  // Computed keys define own properties, so even an odd code cannot reach Object.prototype.
  return { ...state, marketplaces: { ...state.marketplaces, [marketplace]: next } };
}

/**
 * Total: folds every event this code knows into the state and never throws. Entries are kept sorted by country then
 * key, so the snapshot is the same whatever order the mapping was made in.
 */
export function evolveSettings(state: OrderSettingsState, event: SettingsEvent): OrderSettingsState {
  switch (event.type) {
    case 'ImportSettingsChanged': {
      const parameters: Record<string, unknown> = { ...state.parameters };
      for (const name of IMPORT_PARAMETER_NAMES) {
        if (Object.hasOwn(event.data.changes ?? {}, name)) parameters[name] = event.data.changes[name];
      }
      return { ...state, parameters: parameters as unknown as ImportParameters };
    }
    case 'CarrierMapped': {
      const { marketplace, country, shopCarrier, marketplaceCarrier } = event.data;
      return withMarketplace(state, marketplace, (current) => ({
        ...current,
        carriers: [
          ...current.carriers.filter((e) => !(e.country === country && e.shopCarrier.id === shopCarrier.id)),
          { country, shopCarrier, marketplaceCarrier },
        ].sort(byCountryThen((e) => e.shopCarrier.id)),
      }));
    }
    case 'CarrierUnmapped': {
      const { marketplace, country, shopCarrierId } = event.data;
      return withMarketplace(state, marketplace, (current) => ({
        ...current,
        carriers: current.carriers.filter((e) => !(e.country === country && e.shopCarrier.id === shopCarrierId)),
      }));
    }
    case 'ShippingMethodMapped': {
      const { marketplace, country, marketplaceMethod, shopCarrier } = event.data;
      const method = marketplaceMethod.toLowerCase();
      return withMarketplace(state, marketplace, (current) => ({
        ...current,
        methods: [
          ...current.methods.filter((e) => !(e.country === country && e.marketplaceMethod.toLowerCase() === method)),
          { country, marketplaceMethod, shopCarrier },
        ].sort(byCountryThen((e) => e.marketplaceMethod)),
      }));
    }
    case 'ShippingMethodUnmapped': {
      const { marketplace, country, marketplaceMethod } = event.data;
      const method = marketplaceMethod.toLowerCase();
      return withMarketplace(state, marketplace, (current) => ({
        ...current,
        methods: current.methods.filter(
          (e) => !(e.country === country && e.marketplaceMethod.toLowerCase() === method),
        ),
      }));
    }
    case 'DefaultCarrierSet': {
      const { marketplace, country, importCarrier, shipCarrier } = event.data;
      return withMarketplace(state, marketplace, (current) => {
        const others = current.defaults.filter((e) => e.country !== country);
        const cleared = importCarrier === null && shipCarrier === null;
        return {
          ...current,
          defaults: cleared
            ? others
            : [...others, { country, importCarrier, shipCarrier }].sort(byCountryThen(() => '')),
        };
      });
    }
    case 'MarketplaceDiscovered': {
      const { marketplace, label, country, source } = event.data;
      return withMarketplace(state, marketplace, (current) => ({
        ...current,
        seen: { label, firstSource: source, countries: country === null ? [] : [country] },
      }));
    }
    case 'MarketplaceCountrySeen': {
      const { marketplace, country } = event.data;
      return withMarketplace(state, marketplace, (current) => {
        const seen = current.seen ?? { label: null, firstSource: event.data.source, countries: [] };
        if (seen.countries.includes(country)) return current;
        return { ...current, seen: { ...seen, countries: [...seen.countries, country].sort() } };
      });
    }
    default:
      return state;
  }
}
