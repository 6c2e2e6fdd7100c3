import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '../../orders/commands/command-metadata.js';
import type {
  ImportSettingsChange,
  MapCarrierData,
  MapShippingMethodData,
  RecordMarketplaceSeenData,
  SetDefaultCarrierData,
  UnmapCarrierData,
  UnmapShippingMethodData,
} from '../domain/settings-commands.js';
import type { SettingsCommandOptions, SettingsCommandResult } from './settings-command-executor.js';

/**
 * The CommandBus messages of the order parameters. Payloads are typed for senders in this process but validated by
 * the handlers all the same: they also arrive from HTTP bodies and bus messages.
 */
abstract class SettingsBusCommand<Payload> extends Command<SettingsCommandResult> {
  constructor(
    readonly payload: Payload,
    readonly metadata: CommandMetadata,
    readonly options: SettingsCommandOptions = {},
  ) {
    super();
  }
}

/** Import settings, window and interval; absent fields stay as they are. */
export class ChangeImportSettings extends SettingsBusCommand<ImportSettingsChange> {}
/** (marketplace, country, shop carrier) → marketplace carrier code sent with `ship`. */
export class MapCarrier extends SettingsBusCommand<MapCarrierData> {}
export class UnmapCarrier extends SettingsBusCommand<UnmapCarrierData> {}
/** (marketplace, country, marketplace method) → shop carrier given to imported orders. */
export class MapShippingMethod extends SettingsBusCommand<MapShippingMethodData> {}
export class UnmapShippingMethod extends SettingsBusCommand<UnmapShippingMethodData> {}
/** Default import shop carrier and ship marketplace carrier for (marketplace, country). */
export class SetDefaultCarrier extends SettingsBusCommand<SetDefaultCarrierData> {}
/** A marketplace seen in an order or in Lengow's list; only first sightings (and new countries) are recorded. */
export class RecordMarketplaceSeen extends SettingsBusCommand<RecordMarketplaceSeenData> {}
