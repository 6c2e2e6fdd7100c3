import {
  ChangeImportSettings,
  MapCarrier,
  MapShippingMethod,
  SetDefaultCarrier,
  UnmapCarrier,
  UnmapShippingMethod,
} from '../../settings/commands/settings-commands.js';
import { defineCommand } from './catalogue-entry.js';
import {
  ChangeImportSettingsPayload,
  MapCarrierPayload,
  MapShippingMethodPayload,
  SetDefaultCarrierPayload,
  UnmapCarrierPayload,
  UnmapShippingMethodPayload,
} from './settings-payloads.js';

/** Order parameters and carrier mapping: admin only, since they change what every import and action does. */

const settingsRevision = (expected: number | string | undefined) =>
  expected === undefined ? {} : { expectedRevision: String(expected) };

export const CHANGE_IMPORT_SETTINGS = defineCommand({
  name: 'change-import-settings',
  description:
    'Change import settings (statuses, window, interval, stock, retry policy); absent fields stay as they are',
  payload: ChangeImportSettingsPayload,
  role: 'admin',
  concurrency: 'settings',
  build: (payload, metadata, options) =>
    new ChangeImportSettings(payload, metadata, settingsRevision(options?.expectedRevision)),
});

export const MAP_CARRIER = defineCommand({
  name: 'map-carrier',
  description: 'Map a shop carrier to the marketplace carrier code sent with ship, for one marketplace and country',
  payload: MapCarrierPayload,
  role: 'admin',
  concurrency: 'settings',
  build: (payload, metadata, options) => new MapCarrier(payload, metadata, settingsRevision(options?.expectedRevision)),
});

export const UNMAP_CARRIER = defineCommand({
  name: 'unmap-carrier',
  description: 'Remove the carrier mapping of a shop carrier for one marketplace and country',
  payload: UnmapCarrierPayload,
  role: 'admin',
  concurrency: 'settings',
  build: (payload, metadata, options) =>
    new UnmapCarrier(payload, metadata, settingsRevision(options?.expectedRevision)),
});

export const MAP_SHIPPING_METHOD = defineCommand({
  name: 'map-shipping-method',
  description: 'Map a marketplace shipping method to the shop carrier given to imported orders',
  payload: MapShippingMethodPayload,
  role: 'admin',
  concurrency: 'settings',
  build: (payload, metadata, options) =>
    new MapShippingMethod(payload, metadata, settingsRevision(options?.expectedRevision)),
});

export const UNMAP_SHIPPING_METHOD = defineCommand({
  name: 'unmap-shipping-method',
  description: 'Remove the mapping of a marketplace shipping method',
  payload: UnmapShippingMethodPayload,
  role: 'admin',
  concurrency: 'settings',
  build: (payload, metadata, options) =>
    new UnmapShippingMethod(payload, metadata, settingsRevision(options?.expectedRevision)),
});

export const SET_DEFAULT_CARRIER = defineCommand({
  name: 'set-default-carrier',
  description: 'Set or clear the default import carrier and ship carrier of a marketplace and country',
  payload: SetDefaultCarrierPayload,
  role: 'admin',
  concurrency: 'settings',
  build: (payload, metadata, options) =>
    new SetDefaultCarrier(payload, metadata, settingsRevision(options?.expectedRevision)),
});
