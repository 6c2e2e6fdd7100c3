/**
 * The typed order the connector hands to the engine: the API's order with its types settled (money as numbers, dates
 * as ISO 8601 UTC strings, lists never null, marketplace code lower-cased). The raw JSON travels beside it in
 * {@link ParsedOrder} for audit, so nothing the API sent is lost, including fields this type does not name.
 */

export interface LengowCurrency {
  isoA3: string | null;
  symbol: string | null;
  name: string | null;
}

export interface LengowAddress {
  /** Lengow's address id; absent on hand-built payloads. */
  id: number | null;
  type: string | null;
  /** `company`, or its API v2 name `society` when only that is present. */
  company: string | null;
  civility: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  fullName: string | null;
  firstLine: string | null;
  secondLine: string | null;
  complement: string | null;
  fullAddress: string | null;
  zipcode: string | null;
  city: string | null;
  stateRegion: string | null;
  countryIsoA2: string | null;
  phoneHome: string | null;
  phoneOffice: string | null;
  phoneMobile: string | null;
  vatNumber: string | null;
  metas: Record<string, unknown> | null;
}

export interface LengowTracking {
  number: string | null;
  method: string | null;
  carrier: string | null;
  url: string | null;
  isDeliveredByMarketplace: boolean | null;
  parcelWeight: number | null;
  shippedAt: string | null;
  relayId: string | null;
  relayName: string | null;
  marketplaceOrderLineIds: string[];
}

export interface LengowDelivery extends Omit<LengowAddress, 'id'> {
  /**
   * The plugins' `delivery_address_id`. Lengow has changed it on existing orders (PST-20038): an attribute of the
   * package, never part of an order's identity.
   */
  id: number;
  trackings: LengowTracking[];
}

export interface LengowCartLine {
  id: number | null;
  /** The `line` argument of per-line actions. It can repeat across the packages of one order. */
  marketplaceOrderLineId: string | null;
  marketplaceProductId: string | null;
  merchantProductId: { id: string | null; field: string | null } | null;
  marketplaceStatus: string | null;
  lengowStatus: string | null;
  title: string | null;
  quantity: number;
  /** Line total including tax. */
  amount: number | null;
  originalAmount: number | null;
  tax: number | null;
  originalTax: number | null;
  discount: number | null;
  shipping: number | null;
  refundedAmount: number | null;
  marketplacePackageId: string | null;
  maxShippingDate: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  orderlineTypes: unknown[];
}

export interface LengowPackage {
  delivery: LengowDelivery;
  cart: LengowCartLine[];
}

export interface LengowPayment {
  id: string | null;
  type: string | null;
  status: string | null;
  checkout: string | null;
  settledAt: string | null;
  paymentTerms: {
    externalTransactionId: string | null;
    fiscalnb: string | null;
    vatNumber: string | null;
    siretNumber: string | null;
  } | null;
}

export interface LengowOrderType {
  type: string;
  label: string | null;
}

export interface LengowOrder {
  /** Lower-cased, as the plugins do before any lookup. */
  marketplace: string;
  marketplaceOrderId: string;
  accountId: number | null;
  marketplaceCountryIso2: string | null;
  /** The raw marketplace value; the engine maps it through the marketplace definition's status table. */
  marketplaceStatus: string | null;
  lengowStatus: string | null;
  workflowRank: number | null;
  /** May be null: the plugins fall back to `importedAt`. */
  marketplaceOrderDate: string | null;
  importedAt: string | null;
  updatedAt: string | null;
  anonymized: boolean;
  /** Shop order ids already acknowledged through moi; empty when none. */
  merchantOrderIds: string[];
  /** Null when the API sent none (a business check: "no currency in the order"). */
  currency: LengowCurrency | null;
  /** `-1` means Lengow had no exchange rate (a business check, kept as sent). */
  totalOrder: number | null;
  totalTax: number | null;
  shipping: number | null;
  processingFee: number | null;
  commission: number | null;
  discount: number | null;
  original: {
    currency: LengowCurrency | null;
    totalOrder: number | null;
    totalTax: number | null;
    shipping: number | null;
    processingFee: number | null;
    commission: number | null;
    discount: number | null;
    buyerCurrency: LengowCurrency | null;
    totalBuyerAmount: number | null;
    totalBuyerTax: number | null;
  };
  orderTypes: LengowOrderType[];
  comments: string[];
  marketplaceCustomerId: string | null;
  invoiceNumber: string | null;
  invoiceUrl: string | null;
  meta: Record<string, unknown> | null;
  orderMeta: Record<string, unknown> | null;
  payments: LengowPayment[];
  /** Null when the API sent none (a business check: "no billing address in the order"). */
  billingAddress: LengowAddress | null;
  contactAddress: LengowAddress | null;
  /** Never empty. */
  packages: LengowPackage[];
}

/**
 * The outcome of reading one order from the API. A payload that cannot be represented is a value, not an exception:
 * the engine records it as "not formatted" with the reason, against the identity when the payload carried one.
 */
export type ParsedOrder =
  | { ok: true; order: LengowOrder; raw: unknown }
  | {
      ok: false;
      /** Every problem found, e.g. `packages[0].delivery.id is missing`, joined with "; ". */
      reason: string;
      /** Path of the first problem, e.g. `packages[0].delivery.id`. */
      field?: string;
      /** Lower-cased marketplace code, when the payload carried a usable one. */
      marketplace?: string;
      marketplaceOrderId?: string;
      raw: unknown;
    };

export type OrderTypeName = 'is_prime' | 'is_express' | 'is_business' | 'is_delivered_by_marketplace' | (string & {});

export function hasOrderType(order: Pick<LengowOrder, 'orderTypes'>, type: OrderTypeName): boolean {
  return order.orderTypes.some((entry) => entry.type === type);
}

/**
 * Shipped by the marketplace (FBA and similar): the `is_delivered_by_marketplace` order type (2024 shape) or the
 * tracking flag of the same name (2016 shape).
 */
export function isDeliveredByMarketplace(order: Pick<LengowOrder, 'orderTypes' | 'packages'>): boolean {
  return (
    hasOrderType(order, 'is_delivered_by_marketplace') ||
    order.packages.some((pkg) => pkg.delivery.trackings.some((tracking) => tracking.isDeliveredByMarketplace === true))
  );
}
