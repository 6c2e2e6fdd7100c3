import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { AddressDto, type AddressFieldsDto } from './address.dto.js';
import type { CartLineDto } from './cart-line.dto.js';
import { readValidDto } from './compiled-dto-reader.js';
import type { CurrencyDto } from './currency.dto.js';
import type { DeliveryDto } from './delivery.dto.js';
import { MESSAGES } from './field-decorators.js';
import { identityProblem, MAX_MARKETPLACE_LENGTH, MAX_ORDER_ID_LENGTH, toIdentityText } from './normalise.js';
import type {
  LengowAddress,
  LengowCartLine,
  LengowCurrency,
  LengowDelivery,
  LengowOrder,
  LengowPayment,
  LengowTracking,
  ParsedOrder,
} from './lengow-order.js';
import { OrderDto } from './order.dto.js';
import type { PaymentDto } from './payment.dto.js';
import type { TrackingDto } from './tracking.dto.js';

export interface ShapeProblem {
  field: string;
  message: string;
}

/**
 * Reads one order of the API into a {@link ParsedOrder}. Never throws: whatever the input (not an object, missing
 * packages, a money string that is not a number), the result is either a typed order or a "not formatted" outcome
 * naming every field at fault. The raw input is returned untouched beside either.
 *
 * A valid order is read by the reader compiled from the DTOs' decorators (over ten times cheaper than the libraries;
 * `npm run bench -- parse-order`); whatever it is not sure of, every invalid order included, goes through
 * {@link parseOrderReference}, which words the reasons.
 */
export function parseOrder(raw: unknown): ParsedOrder {
  return parseOrderFast(raw) ?? parseOrderReference(raw);
}

/**
 * The typed order, when the compiled reader is sure the order is valid and reads it as the reference does; otherwise
 * `undefined`, never a failure: failures are always worded by the reference.
 */
export function parseOrderFast(raw: unknown): ParsedOrder | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  try {
    const dto = readValidDto(OrderDto, raw);
    return dto === undefined ? undefined : { ok: true, order: toOrder(dto), raw };
  } catch {
    // Whatever went wrong here, the reference reads the order afresh and reports what it makes of it.
    return undefined;
  }
}

/**
 * The reference reading: class-transformer's plainToInstance, then class-validator's validateSync. It defines what
 * {@link parseOrder} answers; the compiled reader must agree with it on every order it accepts.
 */
export function parseOrderReference(raw: unknown): ParsedOrder {
  try {
    return parseOrThrow(raw);
  } catch (error) {
    // A validator bug must not turn one odd order into a crashed import; the order is reported, not lost.
    return { ok: false, reason: `order could not be read: ${(error as Error).message}`, raw, ...identityOf(raw) };
  }
}

function parseOrThrow(raw: unknown): ParsedOrder {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, reason: `order ${MESSAGES.notObject}`, field: '', raw };
  }
  const dto = plainToInstance(OrderDto, raw as Record<string, unknown>);
  const problems = flattenErrors(validateSync(dto, { forbidUnknownValues: false }));
  if (problems.length > 0) {
    return {
      ok: false,
      reason: problems.map((problem) => `${problem.field} ${problem.message}`).join('; '),
      field: problems[0]!.field,
      raw,
      ...identityOf(raw),
    };
  }
  return { ok: true, order: toOrder(dto), raw };
}

/** Turns class-validator's error tree into `packages[0].delivery.id`-style paths, in document order. */
export function flattenErrors(errors: ValidationError[], parent = ''): ShapeProblem[] {
  const problems: ShapeProblem[] = [];
  for (const error of errors) {
    const field = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent === ''
        ? error.property
        : `${parent}.${error.property}`;
    const constraints = error.constraints ?? {};
    // "Missing", "not a list" and "not an object" make the other checks of the field moot; report the one that
    // explains the rest.
    const decisive =
      constraints.isDefined ?? constraints.isArray ?? constraints.isObject ?? constraints.isInt ?? constraints.isString;
    const messages = decisive ? [decisive] : Object.values(constraints);
    for (const text of messages) {
      const message = text.includes('nested property') ? MESSAGES.notObject : text;
      // IsObject and ValidateNested both object to a non-object; one line says it.
      if (!problems.some((known) => known.field === field && known.message === message))
        problems.push({ field, message });
    }
    // Inside a value of the wrong shape, the nested findings only restate that.
    if (!decisive && error.children?.length) problems.push(...flattenErrors(error.children, field));
  }
  return problems;
}

/**
 * The identity of an order that is not formatted, when it is one the order can be recorded under: exactly as a valid
 * order's would be read, else none (the payload is then counted and logged, never filed under a garbled name).
 */
function identityOf(raw: unknown): { marketplace?: string; marketplaceOrderId?: string } {
  if (raw === null || typeof raw !== 'object') return {};
  const record = raw as Record<string, unknown>;
  const identity: { marketplace?: string; marketplaceOrderId?: string } = {};
  const marketplace = toIdentityText(record.marketplace);
  const orderId = toIdentityText(record.marketplace_order_id);
  if (typeof marketplace === 'string' && marketplace !== '' && !identityProblem(marketplace, MAX_MARKETPLACE_LENGTH))
    identity.marketplace = marketplace.toLowerCase();
  if (typeof orderId === 'string' && orderId !== '' && !identityProblem(orderId, MAX_ORDER_ID_LENGTH))
    identity.marketplaceOrderId = orderId;
  return identity;
}

// After validation every optional field is either its type or null/undefined; `?? null` settles undefined.

function currency(dto: CurrencyDto | null | undefined): LengowCurrency | null {
  if (!dto) return null;
  return { isoA3: dto.iso_a3 ?? null, symbol: dto.symbol ?? null, name: dto.name ?? null };
}

function addressFields(dto: AddressFieldsDto): Omit<LengowAddress, 'id'> {
  return {
    type: dto.type ?? null,
    company: dto.company ?? dto.society ?? null,
    civility: dto.civility ?? null,
    email: dto.email ?? null,
    firstName: dto.first_name ?? null,
    lastName: dto.last_name ?? null,
    fullName: dto.full_name ?? null,
    firstLine: dto.first_line ?? null,
    secondLine: dto.second_line ?? null,
    complement: dto.complement ?? null,
    fullAddress: dto.full_address ?? null,
    zipcode: dto.zipcode ?? null,
    city: dto.city ?? null,
    stateRegion: dto.state_region ?? null,
    countryIsoA2: dto.common_country_iso_a2 ?? null,
    phoneHome: dto.phone_home ?? null,
    phoneOffice: dto.phone_office ?? null,
    phoneMobile: dto.phone_mobile ?? null,
    vatNumber: dto.vat_number ?? null,
    metas: dto.metas ?? null,
  };
}

function address(dto: AddressDto | null | undefined): LengowAddress | null {
  return dto ? { id: dto.id ?? null, ...addressFields(dto) } : null;
}

function tracking(dto: TrackingDto): LengowTracking {
  return {
    number: dto.number ?? null,
    method: dto.method ?? null,
    carrier: dto.carrier ?? null,
    url: dto.url ?? null,
    isDeliveredByMarketplace: dto.is_delivered_by_marketplace ?? null,
    parcelWeight: dto.parcel_weight ?? null,
    shippedAt: dto.shipped_at ?? null,
    relayId: dto.relay?.id ?? null,
    relayName: dto.relay?.name ?? null,
    marketplaceOrderLineIds: dto.marketplace_order_line_ids,
  };
}

function delivery(dto: DeliveryDto): LengowDelivery {
  return { id: dto.id, ...addressFields(dto), trackings: dto.trackings.map(tracking) };
}

function cartLine(dto: CartLineDto): LengowCartLine {
  return {
    id: dto.id ?? null,
    marketplaceOrderLineId: dto.marketplace_order_line_id ?? null,
    marketplaceProductId: dto.marketplace_product_id ?? null,
    merchantProductId: dto.merchant_product_id
      ? { id: dto.merchant_product_id.id ?? null, field: dto.merchant_product_id.field ?? null }
      : null,
    marketplaceStatus: dto.marketplace_status ?? null,
    lengowStatus: dto.lengow_status ?? null,
    title: dto.title ?? null,
    quantity: dto.quantity,
    amount: dto.amount ?? null,
    originalAmount: dto.original_amount ?? null,
    tax: dto.tax ?? null,
    originalTax: dto.original_tax ?? null,
    discount: dto.discount ?? null,
    shipping: dto.shipping ?? null,
    refundedAmount: dto.refunded_amount ?? null,
    marketplacePackageId: dto.marketplace_package_id ?? null,
    maxShippingDate: dto.max_shipping_date ?? null,
    createdAt: dto.created_at ?? null,
    updatedAt: dto.updated_at ?? null,
    orderlineTypes: dto.orderline_types ?? [],
  };
}

function payment(dto: PaymentDto): LengowPayment {
  const terms = dto.payment_terms;
  return {
    id: dto.id ?? null,
    type: dto.type ?? null,
    status: dto.status ?? null,
    checkout: dto.checkout ?? null,
    settledAt: dto.settled_at ?? null,
    paymentTerms: terms
      ? {
          externalTransactionId: terms.external_transaction_id ?? null,
          fiscalnb: terms.fiscalnb ?? null,
          vatNumber: terms.vat_number ?? null,
          siretNumber: terms.siret_number ?? null,
        }
      : null,
  };
}

function toOrder(dto: OrderDto): LengowOrder {
  return {
    marketplace: dto.marketplace.toLowerCase(),
    marketplaceOrderId: dto.marketplace_order_id,
    accountId: dto.account_id ?? null,
    marketplaceCountryIso2: dto.marketplace_country_iso2 ?? null,
    marketplaceStatus: dto.marketplace_status ?? null,
    lengowStatus: dto.lengow_status ?? null,
    workflowRank: dto.workflow_rank ?? null,
    marketplaceOrderDate: dto.marketplace_order_date ?? null,
    importedAt: dto.imported_at ?? null,
    updatedAt: dto.updated_at ?? null,
    anonymized: dto.anonymized ?? false,
    merchantOrderIds: dto.merchant_order_id,
    currency: currency(dto.currency),
    totalOrder: dto.total_order ?? null,
    totalTax: dto.total_tax ?? null,
    shipping: dto.shipping ?? null,
    processingFee: dto.processing_fee ?? null,
    commission: dto.commission ?? null,
    discount: dto.discount ?? null,
    original: {
      currency: currency(dto.original_currency),
      totalOrder: dto.original_total_order ?? null,
      totalTax: dto.original_total_tax ?? null,
      shipping: dto.original_shipping ?? null,
      processingFee: dto.original_processing_fee ?? null,
      commission: dto.original_commission ?? null,
      discount: dto.original_discount ?? null,
      buyerCurrency: currency(dto.original_buyer_currency),
      totalBuyerAmount: dto.original_total_buyer_amount ?? null,
      totalBuyerTax: dto.original_total_buyer_tax ?? null,
    },
    orderTypes: dto.order_types.map((entry) => ({ type: entry.type, label: entry.label ?? null })),
    comments: dto.comments,
    marketplaceCustomerId: dto.marketplace_customer_id ?? null,
    invoiceNumber: dto.invoice_number ?? null,
    invoiceUrl: dto.invoice_url ?? null,
    meta: dto.meta ?? null,
    orderMeta: dto.order_meta ?? null,
    payments: dto.payments.map(payment),
    billingAddress: address(dto.billing_address),
    contactAddress: address(dto.contact_address),
    packages: dto.packages.map((pkg) => ({ delivery: delivery(pkg.delivery), cart: pkg.cart.map(cartLine) })),
  };
}

/**
 * Reads an address on its own (an order fragment) with the same rules as inside an order: the typed address, or the
 * problems that prevent representing it. Never throws.
 */
export function parseAddress(
  raw: unknown,
): { ok: true; address: LengowAddress } | { ok: false; problems: ShapeProblem[] } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: [{ field: '', message: MESSAGES.notObject }] };
  }
  const dto = plainToInstance(AddressDto, raw as Record<string, unknown>);
  const problems = flattenErrors(validateSync(dto, { forbidUnknownValues: false }));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, address: address(dto)! };
}
