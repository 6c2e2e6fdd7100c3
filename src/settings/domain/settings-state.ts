import type {
  CarrierMappingEntry,
  DefaultCarrierEntry,
  MethodMappingEntry,
} from '../../orders/domain/carrier-mapping.js';
import { DEFAULT_IMPORT_PARAMETERS, type ImportParameters } from './import-parameters.js';
import type { MarketplaceSeenSource, StoredShopCarrier } from './settings-events.js';

export interface StoredCarrierMapping extends CarrierMappingEntry {
  readonly shopCarrier: StoredShopCarrier;
}
export interface StoredMethodMapping extends MethodMappingEntry {
  readonly shopCarrier: StoredShopCarrier;
}
export interface StoredDefaultCarrier extends DefaultCarrierEntry {
  readonly importCarrier: StoredShopCarrier | null;
}

/** Where and how a marketplace has been seen; null until RecordMarketplaceSeen names it. */
export interface MarketplaceSighting {
  readonly label: string | null;
  readonly firstSource: MarketplaceSeenSource;
  /** Upper-case ISO alpha-2 countries seen so far, sorted. */
  readonly countries: readonly string[];
}

/** One marketplace's carrier settings. Countries are upper-case and marketplace codes lower-case throughout. */
export interface MarketplaceSettings {
  readonly carriers: readonly StoredCarrierMapping[];
  readonly methods: readonly StoredMethodMapping[];
  readonly defaults: readonly StoredDefaultCarrier[];
  readonly seen: MarketplaceSighting | null;
}

export interface OrderSettingsState {
  readonly parameters: ImportParameters;
  /** By lower-case marketplace code; read through `marketplaceSettings` (codes are user input, never trust `in`). */
  readonly marketplaces: Readonly<Record<string, MarketplaceSettings>>;
}

export const EMPTY_MARKETPLACE_SETTINGS: MarketplaceSettings = { carriers: [], methods: [], defaults: [], seen: null };

export function initialSettingsState(): OrderSettingsState {
  return { parameters: DEFAULT_IMPORT_PARAMETERS, marketplaces: {} };
}

export function marketplaceSettings(state: OrderSettingsState, marketplace: string): MarketplaceSettings {
  return Object.hasOwn(state.marketplaces, marketplace) ? state.marketplaces[marketplace] : EMPTY_MARKETPLACE_SETTINGS;
}
