import type { Decider } from '../../orders/domain/order-decider.js';
import { decideSettings } from './decide-settings.js';
import { evolveSettings } from './evolve-settings.js';
import type { SettingsCommand } from './settings-commands.js';
import type { SettingsEvent } from './settings-events.js';
import { initialSettingsState, type OrderSettingsState } from './settings-state.js';

/** The order parameters as a decider: load the stream, fold `evolveSettings`, `decideSettings`, append. */
export const settingsDecider: Decider<SettingsCommand, SettingsEvent, OrderSettingsState> = {
  decide: decideSettings,
  evolve: evolveSettings,
  initialState: initialSettingsState,
};
