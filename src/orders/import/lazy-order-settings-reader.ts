import type { CarrierMappingView } from '../domain/carrier-mapping.js';
import type { OrderSettingsReader, OrderSettingsSnapshot } from '../../settings/order-settings.port.js';

/**
 * An OrderSettingsReader found on first use. `ORDER_SETTINGS` is exported by SettingsModule, which the app imports
 * through `SettingsModule.register()` and which is not global; importing SettingsModule again here would build a
 * second settings cache. Resolving the app's instance when the first run starts (after every module is built)
 * avoids both.
 */
export function lazyOrderSettingsReader(resolve: () => OrderSettingsReader): OrderSettingsReader {
  let reader: OrderSettingsReader | null = null;
  const get = () => (reader ??= resolve());
  return {
    current: (): Promise<OrderSettingsSnapshot> => get().current(),
    carrierMapping: (marketplace: string): Promise<CarrierMappingView> => get().carrierMapping(marketplace),
  };
}
