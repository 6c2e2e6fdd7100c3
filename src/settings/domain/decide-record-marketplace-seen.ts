import type { RecordMarketplaceSeenData } from './settings-commands.js';
import { SettingsDomainError } from './settings-error.js';
import { settingsEvent, type MarketplaceSeenSource, type SettingsEvent } from './settings-events.js';
import { countryCode, marketplaceCode } from './settings-input.js';
import { commandData } from './decide-carrier-mapping.js';
import { marketplaceSettings, type OrderSettingsState } from './settings-state.js';

const SOURCES: readonly MarketplaceSeenSource[] = ['order', 'lengow_list'];

/**
 * The import and the marketplace-list sync call this for every order / entry: it appends only the first sighting of a
 * marketplace, and of each new country for it, so the operator is told which carriers still need mapping.
 */
export function decideRecordMarketplaceSeen(
  input: RecordMarketplaceSeenData,
  state: OrderSettingsState,
): SettingsEvent[] {
  const data = commandData(input, 'RecordMarketplaceSeen');
  const marketplace = marketplaceCode(data.marketplace);
  const country = data.country === null || data.country === undefined ? null : countryCode(data.country);
  const source = data.source as MarketplaceSeenSource;
  if (!SOURCES.includes(source)) {
    throw new SettingsDomainError('INVALID_SETTING', 'source', `source must be one of ${SOURCES.join(', ')}`);
  }
  const label = typeof data.label === 'string' && data.label.trim() !== '' ? data.label.trim().slice(0, 200) : null;
  const seen = marketplaceSettings(state, marketplace).seen;
  if (!seen) return [settingsEvent('MarketplaceDiscovered', { marketplace, label, country, source })];
  if (country === null || seen.countries.includes(country)) return [];
  return [settingsEvent('MarketplaceCountrySeen', { marketplace, country, source })];
}
