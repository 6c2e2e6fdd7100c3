import type { ShopCarrier } from '../../orders/domain/carrier-mapping.js';
import type { RetryPolicy } from '../../orders/domain/import-settings.js';
import type { MarketplaceSeenSource } from './settings-events.js';

/**
 * The codes a marketplace accepts for one ship argument (`carrier` or `shipping_method`), taken from its definition
 * when the sender knows it. With `acceptFreeValues` false a code outside `codes` is refused; without a catalog any
 * code is taken (the definition may be unreachable when the operator edits).
 */
export interface AllowedCodes {
  readonly codes: readonly string[];
  readonly acceptFreeValues: boolean;
}

/** Absent fields are left as they are. `importIntervalSeconds: null` goes back to the deployment's IMPORT_INTERVAL. */
export interface ImportSettingsChange {
  readonly importableStatuses?: readonly string[];
  readonly importWindowDays?: number;
  readonly importIntervalSeconds?: number | null;
  readonly createShippedByMarketplace?: boolean;
  readonly decrementStockShippedByMarketplace?: boolean;
  readonly importProcessingFee?: boolean;
  readonly forceProduct?: boolean;
  readonly maxOrderAgeMonths?: number;
  readonly retryPolicy?: RetryPolicy;
}

export interface MapCarrierData {
  readonly marketplace: string;
  readonly country: string;
  readonly shopCarrier: ShopCarrier;
  readonly marketplaceCarrier: string;
  readonly allowedCarriers?: AllowedCodes | null;
}

export interface UnmapCarrierData {
  readonly marketplace: string;
  readonly country: string;
  readonly shopCarrierId: string;
}

export interface MapShippingMethodData {
  readonly marketplace: string;
  readonly country: string;
  readonly marketplaceMethod: string;
  readonly shopCarrier: ShopCarrier;
  readonly allowedMethods?: AllowedCodes | null;
}

export interface UnmapShippingMethodData {
  readonly marketplace: string;
  readonly country: string;
  readonly marketplaceMethod: string;
}

/** Absent: keep that half of the default; null: clear it. Both cleared removes the default. */
export interface SetDefaultCarrierData {
  readonly marketplace: string;
  readonly country: string;
  readonly importCarrier?: ShopCarrier | null;
  readonly shipCarrier?: string | null;
  readonly allowedCarriers?: AllowedCodes | null;
}

export interface RecordMarketplaceSeenData {
  readonly marketplace: string;
  /** Delivery country of the order, or the definition's `country_iso_a2`; null when unknown. */
  readonly country: string | null;
  readonly source: MarketplaceSeenSource;
  /** Human name from the definition, e.g. "Amazon FR". */
  readonly label?: string | null;
}

export type SettingsCommand =
  | { readonly type: 'ChangeImportSettings'; readonly data: ImportSettingsChange }
  | { readonly type: 'MapCarrier'; readonly data: MapCarrierData }
  | { readonly type: 'UnmapCarrier'; readonly data: UnmapCarrierData }
  | { readonly type: 'MapShippingMethod'; readonly data: MapShippingMethodData }
  | { readonly type: 'UnmapShippingMethod'; readonly data: UnmapShippingMethodData }
  | { readonly type: 'SetDefaultCarrier'; readonly data: SetDefaultCarrierData }
  | { readonly type: 'RecordMarketplaceSeen'; readonly data: RecordMarketplaceSeenData };

export type SettingsCommandType = SettingsCommand['type'];
