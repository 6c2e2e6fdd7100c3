import { deepFreeze } from '../../common/deep-freeze.js';
import type { CarrierMappingView } from '../../orders/domain/carrier-mapping.js';
import type { OrderSettingsSnapshot } from '../order-settings.port.js';
import { importSettingsOf } from './import-parameters.js';
import { isMarketplaceMapped, uncoveredCountries } from './marketplace-coverage.js';
import type { OrderSettingsState } from './settings-state.js';

export interface SnapshotDefaults {
  /** IMPORT_INTERVAL of the deployment, used while no event pinned the interval. */
  readonly importIntervalSeconds: number;
}

/** One marketplace as the "Order parameters" page lists it. */
export interface MarketplaceStatus {
  readonly marketplace: string;
  readonly label: string | null;
  /** Null: never seen in an order or in Lengow's list (only configured). */
  readonly countriesSeen: readonly string[] | null;
  readonly uncoveredCountries: readonly string[];
  readonly mapped: boolean;
}

/** Stream revision as the snapshot's opaque revision: "-1" before the first event, then "0", "1"… */
export const revisionString = (revision: number): string => String(revision);

/**
 * What the engine reads. A frozen copy: the reader hands the same object to every caller until the next change, so
 * nobody may edit it in place, and the state (and the shared defaults it starts from) stays untouched.
 */
export function toOrderSettingsSnapshot(
  state: OrderSettingsState,
  revision: number,
  defaults: SnapshotDefaults,
): OrderSettingsSnapshot {
  const carrierMappings: Record<string, CarrierMappingView> = {};
  const unmappedMarketplaces: string[] = [];
  for (const code of Object.keys(state.marketplaces).sort()) {
    const settings = state.marketplaces[code];
    if (settings.carriers.length + settings.methods.length + settings.defaults.length > 0) {
      carrierMappings[code] = { carriers: settings.carriers, methods: settings.methods, defaults: settings.defaults };
    }
    if (settings.seen && !isMarketplaceMapped(settings)) unmappedMarketplaces.push(code);
  }
  const { parameters } = state;
  return deepFreeze(
    structuredClone({
      import: importSettingsOf(parameters),
      importWindowDays: parameters.importWindowDays,
      importIntervalSeconds: parameters.importIntervalSeconds ?? defaults.importIntervalSeconds,
      carrierMappings,
      unmappedMarketplaces,
      revision: revisionString(revision),
    }),
  );
}

export function marketplaceStatuses(state: OrderSettingsState): MarketplaceStatus[] {
  return Object.keys(state.marketplaces)
    .sort()
    .map((marketplace) => {
      const settings = state.marketplaces[marketplace];
      return {
        marketplace,
        label: settings.seen?.label ?? null,
        countriesSeen: settings.seen ? settings.seen.countries : null,
        uncoveredCountries: uncoveredCountries(settings),
        mapped: isMarketplaceMapped(settings),
      };
    });
}
