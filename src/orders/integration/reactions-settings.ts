import type { ModuleRef } from '@nestjs/core';
import { ORDER_SETTINGS, type OrderSettingsReader } from '../../settings/order-settings.port.js';

/**
 * The app's ORDER_SETTINGS as the reactions read it. SettingsModule is not global and the app imports it once
 * (`SettingsModule.register()`); importing it again here would build a second settings cache that the settings
 * commands do not refresh. So the app's instance is looked up on first use, when every module exists.
 */
export const REACTIONS_SETTINGS = Symbol('REACTIONS_SETTINGS');

export function appOrderSettings(moduleRef: ModuleRef): OrderSettingsReader {
  let reader: OrderSettingsReader | null = null;
  const get = () => (reader ??= moduleRef.get<OrderSettingsReader>(ORDER_SETTINGS, { strict: false }));
  return {
    current: () => get().current(),
    carrierMapping: (marketplace) => get().carrierMapping(marketplace),
  };
}
