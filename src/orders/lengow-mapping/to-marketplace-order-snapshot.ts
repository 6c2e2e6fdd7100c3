import type {
  LengowAddress,
  LengowCartLine,
  LengowDelivery,
  LengowOrder,
  LengowPackage,
  LengowPayment,
} from '../../lengow/dto/lengow-order.js';
import type { MarketplaceDefinition } from '../domain/marketplace-definition.js';
import type {
  MarketplaceOrderSnapshot,
  OrderAddress,
  PackageTracking,
  SnapshotLine,
  SnapshotPackage,
  SnapshotPayment,
} from '../domain/marketplace-order-snapshot.js';

/** The legacy (plugin v2) code of a definition, when the connector knows it; the domain type does not carry it. */
export interface SnapshotDefinition extends Pick<MarketplaceDefinition, 'code'> {
  readonly legacyCode?: string | null;
}

/**
 * The order as the rules read it (lengow-api.md §3). Pure: no lookups, no clock. The rules derive the order's Lengow
 * status themselves from `marketplaceStatus` through the definition's status table (`lengowStatusOf`), exactly as the
 * plugins do; `lengowStatus` keeps Lengow's own value for display only.
 *
 * `definition` is the marketplace the order belongs to, when known: an order still carrying the plugin v2 code of its
 * marketplace is filed under the v3 code, so both spellings land on one stream.
 *
 * Absent values stay visible to the rules instead of being guessed: a line without an amount gets `NaN` (the rules
 * refuse it as an invalid line rather than sell it for free), and a missing `total_order` is `NaN` too (the rules
 * report invalid amounts; `-1`, "no exchange rate", is kept as sent). Shipping, processing fee and tax default to 0,
 * as the plugins' casts do: they are charges, and their absence means none.
 */
export function toMarketplaceOrderSnapshot(
  order: LengowOrder,
  definition: SnapshotDefinition | null = null,
): MarketplaceOrderSnapshot {
  return {
    marketplace: marketplaceCode(order.marketplace, definition),
    marketplaceOrderId: order.marketplaceOrderId.trim(),
    // An order without a status maps to nothing in the table, so it is reported as not importable, never guessed.
    marketplaceStatus: order.marketplaceStatus ?? '',
    lengowStatus: order.lengowStatus,
    orderDate: order.marketplaceOrderDate,
    importedAt: order.importedAt,
    anonymized: order.anonymized,
    orderTypes: order.orderTypes.map((entry) => ({ type: entry.type, label: entry.label })),
    currency: nonBlank(order.currency?.isoA3)?.toUpperCase() ?? null,
    amounts: {
      total: order.totalOrder ?? Number.NaN,
      tax: order.totalTax ?? 0,
      shipping: order.shipping ?? 0,
      processingFee: order.processingFee ?? 0,
    },
    marketplaceCustomerId: order.marketplaceCustomerId,
    billingAddress: order.billingAddress ? toAddress(order.billingAddress) : null,
    packages: order.packages.map(toPackage),
    payments: order.payments.map(toPayment),
    merchantOrderIds: order.merchantOrderIds.length > 0 ? [...order.merchantOrderIds] : null,
  };
}

function marketplaceCode(code: string, definition: SnapshotDefinition | null): string {
  const normalised = code.trim().toLowerCase();
  if (!definition) return normalised;
  const legacy = definition.legacyCode?.trim().toLowerCase();
  return legacy && legacy === normalised ? definition.code : normalised;
}

function toAddress(address: LengowAddress | LengowDelivery): OrderAddress {
  return {
    company: address.company,
    civility: address.civility,
    email: address.email,
    firstName: address.firstName,
    lastName: address.lastName,
    fullName: address.fullName,
    firstLine: address.firstLine,
    secondLine: address.secondLine,
    complement: address.complement,
    zipcode: address.zipcode,
    city: address.city,
    stateRegion: address.stateRegion,
    countryIso2: nonBlank(address.countryIsoA2)?.toUpperCase() ?? null,
    phoneHome: address.phoneHome,
    phoneOffice: address.phoneOffice,
    phoneMobile: address.phoneMobile,
    vatNumber: address.vatNumber,
  };
}

function toPackage(item: LengowPackage, packageIndex: number): SnapshotPackage {
  const { delivery } = item;
  // The plugins read the first tracking only; the others are earlier parcels of the same package.
  const tracking = delivery.trackings[0];
  const packageTracking: PackageTracking | null = tracking
    ? { carrier: tracking.carrier, method: tracking.method, number: tracking.number, relayId: tracking.relayId }
    : null;
  return {
    deliveryId: String(delivery.id),
    deliveryAddress: toAddress(delivery),
    tracking: packageTracking,
    deliveredByMarketplace: tracking?.isDeliveredByMarketplace === true,
    lines: item.cart.map((line, lineIndex) => toLine(line, packageIndex, lineIndex)),
  };
}

function toLine(line: LengowCartLine, packageIndex: number, lineIndex: number): SnapshotLine {
  return {
    lineId: lineIdOf(line, packageIndex, lineIndex),
    marketplaceProductId: line.marketplaceProductId,
    merchantProductId: line.merchantProductId
      ? { id: line.merchantProductId.id, field: line.merchantProductId.field }
      : null,
    marketplaceStatus: line.marketplaceStatus,
    quantity: line.quantity,
    amount: line.amount ?? Number.NaN,
    tax: line.tax,
    title: line.title,
  };
}

/**
 * `marketplace_order_line_id` is what per-line actions send. The 2016 order shape has none; Lengow's own line id, then
 * the line's position, stand in so lookups and merged lines still have a key (such marketplaces take no `line`).
 */
function lineIdOf(line: LengowCartLine, packageIndex: number, lineIndex: number): string {
  // Sent back to Lengow as written: only a blank id is replaced.
  if (nonBlank(line.marketplaceOrderLineId) !== null) return line.marketplaceOrderLineId as string;
  if (line.id !== null) return String(line.id);
  return `${packageIndex + 1}-${lineIndex + 1}`;
}

function toPayment(payment: LengowPayment): SnapshotPayment {
  return {
    type: payment.type,
    fiscalNb: payment.paymentTerms?.fiscalnb ?? null,
    vatNumber: payment.paymentTerms?.vatNumber ?? null,
    siretNumber: payment.paymentTerms?.siretNumber ?? null,
  };
}

function nonBlank(value: string | null | undefined): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
