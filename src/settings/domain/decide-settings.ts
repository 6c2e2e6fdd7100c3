import { decideChangeImportSettings } from './decide-change-import-settings.js';
import {
  decideMapCarrier,
  decideMapShippingMethod,
  decideSetDefaultCarrier,
  decideUnmapCarrier,
  decideUnmapShippingMethod,
} from './decide-carrier-mapping.js';
import { decideRecordMarketplaceSeen } from './decide-record-marketplace-seen.js';
import type { SettingsCommand } from './settings-commands.js';
import { SettingsDomainError } from './settings-error.js';
import type { SettingsEvent } from './settings-events.js';
import type { OrderSettingsState } from './settings-state.js';

/**
 * Pure: validates the command, and returns the events that make it true, [] when it already holds (so a repeated or
 * no-op change leaves the revision alone), or throws a SettingsDomainError.
 */
export function decideSettings(command: SettingsCommand, state: OrderSettingsState): SettingsEvent[] {
  if (typeof command !== 'object' || command === null) {
    throw new SettingsDomainError('INVALID_COMMAND', null, 'a settings command must be an object with a type');
  }
  switch (command.type) {
    case 'ChangeImportSettings':
      return decideChangeImportSettings(command.data, state);
    case 'MapCarrier':
      return decideMapCarrier(command.data, state);
    case 'UnmapCarrier':
      return decideUnmapCarrier(command.data, state);
    case 'MapShippingMethod':
      return decideMapShippingMethod(command.data, state);
    case 'UnmapShippingMethod':
      return decideUnmapShippingMethod(command.data, state);
    case 'SetDefaultCarrier':
      return decideSetDefaultCarrier(command.data, state);
    case 'RecordMarketplaceSeen':
      return decideRecordMarketplaceSeen(command.data, state);
    default:
      throw new SettingsDomainError(
        'INVALID_COMMAND',
        'type',
        `unknown settings command ${JSON.stringify((command as { type?: unknown }).type) ?? 'undefined'}`,
      );
  }
}
