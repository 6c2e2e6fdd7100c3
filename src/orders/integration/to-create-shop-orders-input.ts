import { createHash } from 'node:crypto';
import type { ShopCarrier as DomainShopCarrier } from '../domain/carrier-mapping.js';
import type { ShopProductRef } from '../domain/import-lookups.js';
import type { OrderAddress } from '../domain/marketplace-order-snapshot.js';
import { NOT_PROVIDED } from '../domain/normalise-addresses.js';
import { orderStreamName, type OrderKey } from '../domain/order-key.js';
import type { InitialShopState, ShopOrderPlan } from '../domain/plan-shop-orders.js';
import { toCents } from '../../shop/money.js';
import type {
  CreateShopOrdersInput,
  InitialShopOrderState,
  ShopAddress,
  ShopCustomer,
  ShopOrderLineInput,
} from '../../shop/shop-order.js';

/** The shop's limit on idempotency keys. */
const MAX_KEY_LENGTH = 200;

const SHOP_STATES: Readonly<Record<InitialShopState, InitialShopOrderState>> = {
  accepted: 'awaiting_shipment',
  shipped: 'shipped',
  shipped_by_marketplace: 'shipped_by_marketplace',
};

/**
 * The idempotency key of one creation call for the whole plan. The shop creates every package of a call in one
 * transaction, so a plan is created all or nothing: a refusal of package 2 never leaves package 1's order orphaned.
 * With one package it is the plan's own key; several packages list their indexes in the same format. A key longer
 * than the shop accepts is replaced by a digest of it.
 */
export function shopOrdersKey(orderKey: OrderKey, plan: Pick<ShopOrderPlan, 'generation' | 'shopOrders'>): string {
  const key =
    plan.shopOrders.length === 1
      ? plan.shopOrders[0].key
      : `${orderStreamName(orderKey)}:shop-order:${plan.shopOrders.map((order) => order.packageIndex).join(',')}:${plan.generation}`;
  if (key.length <= MAX_KEY_LENGTH) return key;
  return `shop-orders:${createHash('sha256').update(key).digest('hex')}`;
}

const text = (value: string | null | undefined): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : null;

/** The last name a parcel label needs; marketplaces sometimes send a full name or a company only. */
function lastNameOf(address: OrderAddress): string {
  return (
    text(address.lastName) ?? text(address.fullName) ?? text(address.firstName) ?? text(address.company) ?? NOT_PROVIDED
  );
}

function toShopAddress(address: OrderAddress): ShopAddress {
  const lines = [address.firstLine, address.secondLine, address.complement].map(text).filter((l) => l !== null);
  return {
    firstName: text(address.lastName) ? (text(address.firstName) ?? '') : '',
    lastName: lastNameOf(address),
    company: text(address.company),
    line1: lines[0] ?? '',
    line2: lines[1] ?? null,
    line3: lines[2] ?? null,
    postcode: text(address.zipcode) ?? '',
    city: text(address.city) ?? '',
    stateRegion: text(address.stateRegion),
    countryIsoA2: text(address.countryIso2)?.toUpperCase() ?? '',
    phone: text(address.phoneMobile) ?? text(address.phoneHome) ?? text(address.phoneOffice),
    email: text(address.email),
    vatNumber: text(address.vatNumber),
  };
}

/**
 * The shop needs an e-mail for every customer; Lengow sometimes has none (anonymised or relay-less channels). A stable
 * address under the reserved `.invalid` TLD keeps one customer per marketplace buyer and can never receive mail.
 */
export function placeholderEmail(orderKey: OrderKey, marketplaceCustomerId: string | null): string {
  const who = (marketplaceCustomerId ?? orderKey.marketplaceOrderId).toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
  const where = orderKey.marketplace.replace(/[^a-z0-9-]+/g, '-');
  return `${who.slice(0, 64) || 'buyer'}@${where}.no-email.invalid`;
}

function toCustomer(orderKey: OrderKey, plan: ShopOrderPlan): ShopCustomer {
  const billing = plan.customer.billingAddress;
  const address = toShopAddress(billing);
  return {
    email: text(plan.customer.email) ?? placeholderEmail(orderKey, plan.customer.marketplaceCustomerId),
    firstName: address.firstName,
    lastName: address.lastName,
    company: address.company,
    phone: address.phone,
    marketplaceCustomerId: plan.customer.marketplaceCustomerId,
  };
}

export function shopProductId(product: ShopProductRef): string {
  const variant = text(product.variantId);
  return variant && variant !== '0' ? `${product.productId}_${variant}` : product.productId;
}

export type ShopOrdersInputResult =
  | { readonly ok: true; readonly key: string; readonly input: CreateShopOrdersInput }
  | { readonly ok: false; readonly reasons: readonly string[] };

/**
 * The shop's creation input for a plan: one package per planned shop order (the shop puts shipping and the processing
 * fee on the first one), amounts in exact cents, the marketplace line ids on each line for per-line actions.
 * `carrierIdOf` gives the shop's id for the plan's carrier, or null when the shop has no such carrier.
 */
export function toCreateShopOrdersInput(
  orderKey: OrderKey,
  plan: ShopOrderPlan,
  carrierIdOf: (carrier: DomainShopCarrier) => number | null,
): ShopOrdersInputResult {
  const reasons: string[] = [];
  const cents = (amount: number, what: string): number => {
    const value = toCents(amount);
    if (value === null || value < 0) {
      reasons.push(`${what} is not a valid amount: ${String(amount)}`);
      return 0;
    }
    return value;
  };
  const first = plan.shopOrders[0];
  if (!first) return { ok: false, reasons: ['the plan has no shop order to create'] };
  const packages = plan.shopOrders.map((order) => {
    const carrierId = carrierIdOf(order.carrier);
    if (carrierId === null)
      reasons.push(`carrier ${order.carrier.name} (${order.carrier.id}) is not a carrier of the shop`);
    const lines: ShopOrderLineInput[] = order.lines.map((line) => ({
      productId: shopProductId(line.product),
      quantity: line.quantity,
      unitPriceCents: cents(line.unitPrice, `unit price of product ${shopProductId(line.product)}`),
      amountCents: cents(line.amount, `amount of product ${shopProductId(line.product)}`),
      marketplaceLineIds: line.sourceLines.map((source) => source.marketplaceLineId),
    }));
    return {
      packageIndex: order.packageIndex,
      deliveryId: order.deliveryId,
      deliveryAddress: toShopAddress(order.deliveryAddress),
      carrierId,
      relayId: text(order.tracking?.relayId),
      lines,
    };
  });
  const input: CreateShopOrdersInput = {
    marketplace: orderKey.marketplace,
    marketplaceOrderId: orderKey.marketplaceOrderId,
    currency: plan.currency,
    customer: toCustomer(orderKey, plan),
    billingAddress: toShopAddress(plan.customer.billingAddress),
    packages,
    shippingCents: cents(first.amounts.shipping, 'shipping'),
    processingFeeCents: cents(first.amounts.processingFee, 'processing fee'),
    isB2B: plan.business,
    initialState: SHOP_STATES[first.initialState] ?? 'awaiting_shipment',
  };
  if (reasons.length > 0) return { ok: false, reasons };
  return { ok: true, key: shopOrdersKey(orderKey, plan), input };
}
