import type { ShopCarrier } from '../../orders/domain/carrier-mapping.js';
import type { ImportParametersPatch } from './import-parameters.js';

/** The one stream holding every order parameter, so its revision is the settings' revision. */
export const ORDER_SETTINGS_STREAM = 'settings-order-parameters';

/** Where a marketplace was seen: in an imported order, or in Lengow's marketplace list. */
export type MarketplaceSeenSource = 'order' | 'lengow_list';

/** A shop carrier as stored: no optional keys, so equality is a plain field comparison. */
export interface StoredShopCarrier extends ShopCarrier {
  readonly trackingUrlTemplate: string | null;
}

/**
 * Facts about the order parameters. Who and when live in the event metadata (`actor`) and `recordedAt`; the data
 * also carries what was there before, so the audit trail reads without folding the stream.
 */
export type SettingsEvent =
  | {
      readonly type: 'ImportSettingsChanged';
      readonly data: { readonly changes: ImportParametersPatch; readonly previous: ImportParametersPatch };
    }
  | {
      readonly type: 'CarrierMapped';
      readonly data: {
        readonly marketplace: string;
        readonly country: string;
        readonly shopCarrier: StoredShopCarrier;
        readonly marketplaceCarrier: string;
        readonly previousMarketplaceCarrier: string | null;
      };
    }
  | {
      readonly type: 'CarrierUnmapped';
      readonly data: {
        readonly marketplace: string;
        readonly country: string;
        readonly shopCarrierId: string;
        readonly marketplaceCarrier: string;
      };
    }
  | {
      readonly type: 'ShippingMethodMapped';
      readonly data: {
        readonly marketplace: string;
        readonly country: string;
        readonly marketplaceMethod: string;
        readonly shopCarrier: StoredShopCarrier;
        readonly previousShopCarrier: StoredShopCarrier | null;
      };
    }
  | {
      readonly type: 'ShippingMethodUnmapped';
      readonly data: {
        readonly marketplace: string;
        readonly country: string;
        readonly marketplaceMethod: string;
        readonly shopCarrier: StoredShopCarrier;
      };
    }
  | {
      readonly type: 'DefaultCarrierSet';
      readonly data: {
        readonly marketplace: string;
        readonly country: string;
        /** Both null: the default for (marketplace, country) is removed. */
        readonly importCarrier: StoredShopCarrier | null;
        readonly shipCarrier: string | null;
        readonly previous: { readonly importCarrier: StoredShopCarrier | null; readonly shipCarrier: string | null };
      };
    }
  | {
      readonly type: 'MarketplaceDiscovered';
      readonly data: {
        readonly marketplace: string;
        readonly label: string | null;
        readonly country: string | null;
        readonly source: MarketplaceSeenSource;
      };
    }
  | {
      readonly type: 'MarketplaceCountrySeen';
      readonly data: { readonly marketplace: string; readonly country: string; readonly source: MarketplaceSeenSource };
    };

export type SettingsEventType = SettingsEvent['type'];
export type SettingsEventOf<T extends SettingsEventType> = Extract<SettingsEvent, { type: T }>;

/** Current data shape version per event type, stored as `metadata.schemaVersion`; bump with an upcaster. */
export const SETTINGS_SCHEMA_VERSIONS: Readonly<Record<SettingsEventType, number>> = {
  ImportSettingsChanged: 1,
  CarrierMapped: 1,
  CarrierUnmapped: 1,
  ShippingMethodMapped: 1,
  ShippingMethodUnmapped: 1,
  DefaultCarrierSet: 1,
  MarketplaceDiscovered: 1,
  MarketplaceCountrySeen: 1,
};

export const SETTINGS_EVENT_TYPES = Object.keys(SETTINGS_SCHEMA_VERSIONS) as SettingsEventType[];

export function settingsEvent<T extends SettingsEventType>(
  type: T,
  data: SettingsEventOf<T>['data'],
): SettingsEventOf<T> {
  return { type, data } as SettingsEventOf<T>;
}

/**
 * A stored event back into the domain type. Unknown types, non-object data and versions this code does not know
 * (written by a newer deployment) come back as null: the fold skips them rather than guess.
 */
export function toSettingsEvent(stored: {
  readonly type: string;
  readonly data: unknown;
  readonly schemaVersion?: unknown;
}): SettingsEvent | null {
  if (!Object.hasOwn(SETTINGS_SCHEMA_VERSIONS, stored.type)) return null;
  if (typeof stored.data !== 'object' || stored.data === null || Array.isArray(stored.data)) return null;
  const version = stored.schemaVersion ?? 1;
  if (version !== SETTINGS_SCHEMA_VERSIONS[stored.type as SettingsEventType]) return null;
  return { type: stored.type, data: stored.data } as SettingsEvent;
}
