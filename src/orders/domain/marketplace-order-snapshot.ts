/**
 * What the rules need from one Lengow order, already normalised by the DTO mapper (camelCase, nulls for absent values,
 * numbers for amounts). The domain never sees the raw API JSON, so a change in the API touches only the mapper.
 */
export interface OrderAddress {
  readonly company: string | null;
  readonly civility: string | null;
  readonly email: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly fullName: string | null;
  readonly firstLine: string | null;
  readonly secondLine: string | null;
  readonly complement: string | null;
  readonly zipcode: string | null;
  readonly city: string | null;
  readonly stateRegion: string | null;
  /** `common_country_iso_a2`. */
  readonly countryIso2: string | null;
  readonly phoneHome: string | null;
  readonly phoneOffice: string | null;
  readonly phoneMobile: string | null;
  readonly vatNumber: string | null;
}

/** `trackings[0]`: the plugins read only the first tracking of a package. */
export interface PackageTracking {
  readonly carrier: string | null;
  readonly method: string | null;
  readonly number: string | null;
  readonly relayId: string | null;
}

export interface MerchantProductId {
  readonly id: string | null;
  /** Which catalogue field `id` refers to (`id`, `reference`, `ean`…), as set in the Lengow feed. */
  readonly field: string | null;
}

export interface SnapshotLine {
  /** `marketplace_order_line_id`: the value actions send as `line`. */
  readonly lineId: string;
  readonly marketplaceProductId: string | null;
  readonly merchantProductId: MerchantProductId | null;
  /** Raw marketplace status of the line, mapped through the same status table as the order. */
  readonly marketplaceStatus: string | null;
  readonly quantity: number;
  /** Line total including tax. */
  readonly amount: number;
  readonly tax: number | null;
  readonly title: string | null;
}

export interface SnapshotPackage {
  /** `delivery.id`: a mutable attribute, never an identity. */
  readonly deliveryId: string | null;
  readonly deliveryAddress: OrderAddress | null;
  readonly tracking: PackageTracking | null;
  /**
   * `trackings[0].is_delivered_by_marketplace`. Kept beside `tracking` rather than in it: it decides the import, while
   * `tracking` is copied into the planned shop orders, which have no use for it.
   */
  readonly deliveredByMarketplace: boolean;
  readonly lines: readonly SnapshotLine[];
}

export interface SnapshotPayment {
  readonly type: string | null;
  readonly fiscalNb: string | null;
  readonly vatNumber: string | null;
  readonly siretNumber: string | null;
}

export interface OrderTypeFlag {
  /** e.g. `is_prime`, `is_business`, `is_delivered_by_marketplace`. */
  readonly type: string;
  readonly label: string | null;
}

export interface OrderAmounts {
  /** `total_order`; -1 means Lengow had no exchange rate. */
  readonly total: number;
  readonly tax: number;
  readonly shipping: number;
  readonly processingFee: number;
}

export interface MarketplaceOrderSnapshot {
  readonly marketplace: string;
  readonly marketplaceOrderId: string;
  readonly marketplaceStatus: string;
  /** Lengow's own normalisation; informational only, the rules map `marketplaceStatus` through the definition. */
  readonly lengowStatus: string | null;
  /** `marketplace_order_date`, may be null (then `importedAt` stands in). */
  readonly orderDate: string | null;
  readonly importedAt: string | null;
  readonly anonymized: boolean;
  readonly orderTypes: readonly OrderTypeFlag[];
  /** `currency.iso_a3`. */
  readonly currency: string | null;
  readonly amounts: OrderAmounts;
  readonly marketplaceCustomerId: string | null;
  readonly billingAddress: OrderAddress | null;
  readonly packages: readonly SnapshotPackage[];
  readonly payments: readonly SnapshotPayment[];
  /** Shop order ids already set on the order through moi (by us or by another connector), or null. */
  readonly merchantOrderIds: readonly string[] | null;
}

export const SHIPPED_BY_MARKETPLACE_ORDER_TYPE = 'is_delivered_by_marketplace';
export const BUSINESS_ORDER_TYPE = 'is_business';

export function hasOrderType(snapshot: Pick<MarketplaceOrderSnapshot, 'orderTypes'>, type: string): boolean {
  return Array.isArray(snapshot.orderTypes) && snapshot.orderTypes.some((flag) => flag?.type === type);
}

/**
 * Shipped by the marketplace (FBA and similar, lengow-api.md §9): the order type, or the tracking flag of the same name,
 * which is the only signal on orders sent without `order_types` (the PrestaShop plugin reads it there too).
 */
export function isShippedByMarketplace(snapshot: Pick<MarketplaceOrderSnapshot, 'orderTypes' | 'packages'>): boolean {
  if (hasOrderType(snapshot, SHIPPED_BY_MARKETPLACE_ORDER_TYPE)) return true;
  return Array.isArray(snapshot.packages) && snapshot.packages.some((item) => item?.deliveredByMarketplace === true);
}
