import type { CarrierMappingView } from '../orders/domain/carrier-mapping.js';
import type { ImportSettings } from '../orders/domain/import-settings.js';

/**
 * The "Order parameters" as the engine reads them: import settings, the import window and interval, and the carrier
 * mapping per marketplace. They are event-sourced (who changed what, when); `revision` changes with every change so
 * import failures parked on a missing mapping are re-driven once the operator fixed it.
 */
export interface OrderSettingsSnapshot {
  readonly import: ImportSettings;
  /** Days of `updated_at` window a poll covers (clamped to 1–10), default 3. */
  readonly importWindowDays: number;
  /** Seconds between scheduled imports. */
  readonly importIntervalSeconds: number;
  /** Carrier mapping per marketplace code (lower-case). Unknown marketplace → empty mapping. */
  readonly carrierMappings: Readonly<Record<string, CarrierMappingView>>;
  /** Marketplaces seen in an order or in Lengow's list whose carriers are not mapped yet. */
  readonly unmappedMarketplaces: readonly string[];
  /** Opaque; changes whenever anything above changes. */
  readonly revision: string;
}

export interface OrderSettingsReader {
  current(): Promise<OrderSettingsSnapshot>;
  /** The mapping for one marketplace (empty when none). */
  carrierMapping(marketplace: string): Promise<CarrierMappingView>;
}

/** Nest injection token of the OrderSettingsReader. */
export const ORDER_SETTINGS = Symbol('ORDER_SETTINGS');
