import type {
  MapCarrierData,
  MapShippingMethodData,
  SetDefaultCarrierData,
  UnmapCarrierData,
  UnmapShippingMethodData,
} from './settings-commands.js';
import { SettingsDomainError } from './settings-error.js';
import { settingsEvent, type SettingsEvent, type StoredShopCarrier } from './settings-events.js';
import {
  countryCode,
  marketplaceCode,
  marketplaceCodeValue,
  requiredText,
  sameShopCarrier,
  shopCarrier,
} from './settings-input.js';
import { marketplaceSettings, type OrderSettingsState } from './settings-state.js';

/** Commands arrive from HTTP and the bus as JSON: anything but an object is refused before a field is read. */
export function commandData(data: unknown, command: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new SettingsDomainError('INVALID_COMMAND', null, `${command} needs an object of data`);
  }
  return data as Record<string, unknown>;
}

/** Mapping key: (marketplace, country, shop carrier id) → marketplace carrier code (lengow-api.md §10, ship side). */
export function decideMapCarrier(input: MapCarrierData, state: OrderSettingsState): SettingsEvent[] {
  const data = commandData(input, 'MapCarrier');
  const marketplace = marketplaceCode(data.marketplace);
  const country = countryCode(data.country);
  const carrier = shopCarrier(data.shopCarrier);
  const code = marketplaceCodeValue(
    data.marketplaceCarrier,
    'marketplaceCarrier',
    'carrier',
    marketplace,
    input.allowedCarriers,
  );
  const current = marketplaceSettings(state, marketplace).carriers.find(
    (entry) => entry.country === country && entry.shopCarrier.id === carrier.id,
  );
  if (current && current.marketplaceCarrier === code && sameShopCarrier(current.shopCarrier, carrier)) return [];
  return [
    settingsEvent('CarrierMapped', {
      marketplace,
      country,
      shopCarrier: carrier,
      marketplaceCarrier: code,
      previousMarketplaceCarrier: current?.marketplaceCarrier ?? null,
    }),
  ];
}

export function decideUnmapCarrier(input: UnmapCarrierData, state: OrderSettingsState): SettingsEvent[] {
  const data = commandData(input, 'UnmapCarrier');
  const marketplace = marketplaceCode(data.marketplace);
  const country = countryCode(data.country);
  const shopCarrierId = requiredText(data.shopCarrierId, 'shopCarrierId');
  const current = marketplaceSettings(state, marketplace).carriers.find(
    (entry) => entry.country === country && entry.shopCarrier.id === shopCarrierId,
  );
  if (!current) return [];
  return [
    settingsEvent('CarrierUnmapped', {
      marketplace,
      country,
      shopCarrierId,
      marketplaceCarrier: current.marketplaceCarrier,
    }),
  ];
}

/** Mapping key: (marketplace, country, marketplace method code) → shop carrier (import side, lengow-api.md §10.1). */
export function decideMapShippingMethod(input: MapShippingMethodData, state: OrderSettingsState): SettingsEvent[] {
  const data = commandData(input, 'MapShippingMethod');
  const marketplace = marketplaceCode(data.marketplace);
  const country = countryCode(data.country);
  const method = marketplaceCodeValue(
    data.marketplaceMethod,
    'marketplaceMethod',
    'shipping method',
    marketplace,
    input.allowedMethods,
  );
  const carrier = shopCarrier(data.shopCarrier);
  const current = marketplaceSettings(state, marketplace).methods.find(
    (entry) => entry.country === country && entry.marketplaceMethod.toLowerCase() === method.toLowerCase(),
  );
  if (current && current.marketplaceMethod === method && sameShopCarrier(current.shopCarrier, carrier)) return [];
  return [
    settingsEvent('ShippingMethodMapped', {
      marketplace,
      country,
      marketplaceMethod: method,
      shopCarrier: carrier,
      previousShopCarrier: current?.shopCarrier ?? null,
    }),
  ];
}

export function decideUnmapShippingMethod(input: UnmapShippingMethodData, state: OrderSettingsState): SettingsEvent[] {
  const data = commandData(input, 'UnmapShippingMethod');
  const marketplace = marketplaceCode(data.marketplace);
  const country = countryCode(data.country);
  const method = requiredText(data.marketplaceMethod, 'marketplaceMethod');
  const current = marketplaceSettings(state, marketplace).methods.find(
    (entry) => entry.country === country && entry.marketplaceMethod.toLowerCase() === method.toLowerCase(),
  );
  if (!current) return [];
  return [
    settingsEvent('ShippingMethodUnmapped', {
      marketplace,
      country,
      marketplaceMethod: current.marketplaceMethod,
      shopCarrier: current.shopCarrier,
    }),
  ];
}

/**
 * Default per (marketplace, country): the shop carrier given to imports nothing maps, and the marketplace carrier sent
 * with `ship` when nothing maps (lengow-api.md §10). Each half can be set or cleared alone.
 */
export function decideSetDefaultCarrier(input: SetDefaultCarrierData, state: OrderSettingsState): SettingsEvent[] {
  const data = commandData(input, 'SetDefaultCarrier');
  const marketplace = marketplaceCode(data.marketplace);
  const country = countryCode(data.country);
  const current = marketplaceSettings(state, marketplace).defaults.find((entry) => entry.country === country);
  const before = { importCarrier: current?.importCarrier ?? null, shipCarrier: current?.shipCarrier ?? null };
  if (data.importCarrier === undefined && data.shipCarrier === undefined) {
    throw new SettingsDomainError(
      'INVALID_COMMAND',
      'importCarrier',
      'SetDefaultCarrier needs importCarrier, shipCarrier or both (null clears one)',
    );
  }
  const importCarrier: StoredShopCarrier | null =
    data.importCarrier === undefined
      ? before.importCarrier
      : data.importCarrier === null
        ? null
        : shopCarrier(data.importCarrier, 'importCarrier');
  const shipCarrier: string | null =
    data.shipCarrier === undefined
      ? before.shipCarrier
      : data.shipCarrier === null
        ? null
        : marketplaceCodeValue(data.shipCarrier, 'shipCarrier', 'carrier', marketplace, input.allowedCarriers);
  if (sameShopCarrier(importCarrier, before.importCarrier) && shipCarrier === before.shipCarrier) return [];
  return [settingsEvent('DefaultCarrierSet', { marketplace, country, importCarrier, shipCarrier, previous: before })];
}
