import type { ShopCarrier } from './shop-carrier.js';

export const SHOP_ORDER_STATES = [
  'awaiting_shipment',
  'shipped',
  'shipped_by_marketplace',
  'canceled',
  'refunded',
  'partially_refunded',
  'technical_error',
] as const;

export type ShopOrderState = (typeof SHOP_ORDER_STATES)[number];

/**
 * States a shop order may be created in. Canceled and refunded orders are never imported (importing decrements stock,
 * lengow-api.md §9) and a technical error is only reached from an existing order.
 */
export const INITIAL_SHOP_ORDER_STATES = [
  'awaiting_shipment',
  'shipped',
  'shipped_by_marketplace',
  'partially_refunded',
] as const satisfies readonly ShopOrderState[];

export type InitialShopOrderState = (typeof INITIAL_SHOP_ORDER_STATES)[number];

export interface ShopCustomer {
  email: string;
  firstName: string;
  lastName: string;
  company?: string | null;
  phone?: string | null;
  /** Lets the shop keep buyers apart when a marketplace shares one relay e-mail between them (§9, #120). */
  marketplaceCustomerId?: string | null;
}

export interface ShopAddress {
  firstName: string;
  lastName: string;
  company?: string | null;
  line1: string;
  line2?: string | null;
  line3?: string | null;
  postcode: string;
  city: string;
  stateRegion?: string | null;
  /** ISO 3166-1 alpha-2. */
  countryIsoA2: string;
  phone?: string | null;
  email?: string | null;
  vatNumber?: string | null;
}

export interface ShopOrderLineInput {
  /** Shop product id, `12` or `12_3`; must be a sellable product (not a parent that has variants). */
  productId: string;
  quantity: number;
  unitPriceCents: number;
  /** Line total as the marketplace charged it; defaults to unit price × quantity. */
  amountCents?: number;
  /** The marketplace line ids merged into this line (the `line` argument of per-line actions). */
  marketplaceLineIds: string[];
}

export interface ShopPackageInput {
  /**
   * Position of the package in the marketplace order; defaults to its position in this call. Lets a caller that
   * creates one package per call (one key per package) keep the marketplace's numbering.
   */
  packageIndex?: number;
  /** Lengow's `delivery.id`: an attribute only, never identity (Lengow has changed it on live orders). */
  deliveryId?: string | null;
  deliveryAddress: ShopAddress;
  /** Id of any version of a shop carrier (see ShopCarrier), or null when none was resolved. */
  carrierId?: number | null;
  relayId?: string | null;
  lines: ShopOrderLineInput[];
}

/** Everything needed to create the shop orders of one marketplace order: one shop order per package. */
export interface CreateShopOrdersInput {
  marketplace: string;
  marketplaceOrderId: string;
  /** ISO 4217; must be enabled in the shop. */
  currency: string;
  customer: ShopCustomer;
  billingAddress: ShopAddress;
  packages: ShopPackageInput[];
  /**
   * Charged once: carried by the order of the first package in this call, the others get 0 (as the plugins do). A
   * caller creating one package per call passes 0 for all but the first package.
   */
  shippingCents: number;
  processingFeeCents: number;
  isB2B: boolean;
  initialState: InitialShopOrderState;
}

export interface ShopOrderLine {
  id: number;
  productId: string;
  productName: string;
  quantity: number;
  unitPriceCents: number;
  amountCents: number;
  marketplaceLineIds: string[];
  refundedQuantity: number;
}

export interface ShopTracking {
  carrierName: string | null;
  trackingNumber: string;
  trackingUrl: string | null;
  shippedAt: string;
}

export interface ShopOrderHistoryEntry {
  from: ShopOrderState | null;
  to: ShopOrderState;
  /** `engine` for states the engine set (from Lengow), `merchant` for changes raised in the shop. */
  source: 'engine' | 'merchant';
  details: Record<string, unknown>;
  at: string;
}

export interface ShopOrder {
  id: number;
  /** Human-readable, e.g. `SO-000123`; accepted wherever an order id is. */
  reference: string;
  idempotencyKey: string;
  /** 0-based position of the package this order was created for; how many orders its key created. */
  packageIndex: number;
  packageCount: number;
  marketplace: string;
  marketplaceOrderId: string;
  deliveryId: string | null;
  state: ShopOrderState;
  currency: string;
  productsCents: number;
  shippingCents: number;
  processingFeeCents: number;
  totalCents: number;
  customer: ShopCustomer;
  billingAddress: ShopAddress;
  deliveryAddress: ShopAddress;
  carrier: ShopCarrier | null;
  relayId: string | null;
  isB2B: boolean;
  tracking: ShopTracking | null;
  technicalErrorReason: string | null;
  lines: ShopOrderLine[];
  history: ShopOrderHistoryEntry[];
  createdAt: string;
  updatedAt: string;
}

export interface CreatedShopOrder {
  id: number;
  reference: string;
  packageIndex: number;
  deliveryId: string | null;
}

export interface CreateShopOrdersResult {
  /** false when the key had already been used: these are the orders the first call created. */
  created: boolean;
  orders: CreatedShopOrder[];
}

/** Free-form context of an engine-set state (e.g. the Lengow status that caused it); `reason` is shown to operators. */
export interface ShopStateDetails {
  reason?: string | null;
  tracking?: Partial<ShopTracking> | null;
  [detail: string]: unknown;
}

export interface SetOrderStateResult {
  /** false when the order already was in that state (a retried call). */
  changed: boolean;
  order: ShopOrder;
}

/** Human-readable order reference: `SO-` and the id on at least six digits. */
export function shopOrderReference(id: number): string {
  return `SO-${String(id).padStart(6, '0')}`;
}

/** The numeric id behind an id or a reference, or null when it is neither. */
export function parseShopOrderId(id: number | string): number | null {
  if (typeof id === 'number') return Number.isSafeInteger(id) && id > 0 ? id : null;
  if (typeof id !== 'string') return null;
  const match = /^(?:SO-)?(\d{1,15})$/i.exec(id.trim());
  if (!match) return null;
  const n = Number(match[1]);
  return n > 0 ? n : null;
}
