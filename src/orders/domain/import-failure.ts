import { visibleText } from './clean-text.js';

/**
 * Why an import did not create anything. Messages are the plugins' English texts (lengow-api.md §9) so that merchants
 * who know the PrestaShop/Magento back office recognise them; codes are ours and stable.
 */
export type ImportFailureCode =
  /** Lengow sent a payload the connector cannot represent (a field missing or of the wrong type). */
  | 'ORDER_NOT_FORMATTED'
  | 'NO_PACKAGE'
  | 'NO_DELIVERY_ADDRESS'
  | 'NO_PRODUCTS'
  | 'INVALID_LINE'
  | 'PRODUCT_NOT_FOUND'
  | 'PRODUCT_IS_PARENT'
  | 'PRODUCT_NOT_ADDABLE'
  | 'INVALID_PRODUCT_ID'
  | 'NO_CURRENCY'
  | 'CURRENCY_NOT_AVAILABLE'
  | 'NO_EXCHANGE_RATE'
  | 'INVALID_AMOUNTS'
  | 'NO_BILLING_ADDRESS'
  | 'BILLING_WITHOUT_COUNTRY'
  | 'DELIVERY_WITHOUT_COUNTRY'
  /** A country that is no ISO 3166-1 alpha-2 code ("FRA", "0"): no carrier, tax or shop country could match it. */
  | 'INVALID_COUNTRY'
  /**
   * An address the shop cannot store: a street or city missing (or nothing left of it once control characters are
   * removed), or a field longer than the shop's column.
   */
  | 'INVALID_ADDRESS'
  /**
   * An id the shop cannot store as sent: `marketplace_customer_id` or a relay id longer than its column, a relay id with
   * control characters. A line's id is the line's failure (`INVALID_LINE`).
   */
  | 'INVALID_IDS'
  | 'DELIVERY_COUNTRY_NOT_ACTIVE'
  | 'NO_DEFAULT_CARRIER'
  /** Reported by the shop or Lengow adapters (creation refused, unreachable…): free text from the port. */
  | 'SHOP_ERROR'
  | 'SHOP_UNAVAILABLE'
  | 'LENGOW_UNAVAILABLE';

export interface ImportFailure {
  readonly code: ImportFailureCode;
  readonly message: string;
}

export type ImportFailureKind = 'permanent' | 'transient';

const failure = (code: ImportFailureCode, message: string): ImportFailure => ({ code, message });

const QUOTED_MAX = 100;
/** A whole text from Lengow is the point of its message: more room than a quoted value, still bounded. */
const LENGOW_TEXT_MAX = 1000;

/**
 * A value from Lengow's payload, as a message quotes it: a 100 KB product id or currency would otherwise be copied
 * into every failure event, log line and dashboard tooltip of the order. Control characters are written as escapes:
 * the message says what was sent, and PostgreSQL, which refuses NUL in text, can still hold it in the read models.
 */
export function quoted(value: string): string {
  return bounded(value, QUOTED_MAX);
}

function bounded(value: string, max: number): string {
  const text = String(value);
  if (text.length <= max) return visibleText(text);
  // Not between the two halves of an emoji: the cut would leave half a character.
  const end = /[\ud800-\udbff]/.test(text[max - 1] ?? '') ? max - 1 : max;
  return `${visibleText(text.slice(0, end))}… (${text.length} characters)`;
}

/**
 * A message Lengow wrote (a marketplace's refusal of an action, an API error it answered with), kept as the message
 * of a failure: escaped and bounded as a quoted value is, for the same stores.
 */
export function lengowText(text: string): string {
  return bounded(text, LENGOW_TEXT_MAX);
}

export const importFailures = {
  /** `reason` names the fields at fault, e.g. `packages[0].delivery.id is missing`. */
  notFormatted: (reason: string) => failure('ORDER_NOT_FORMATTED', `import order failed - Lengow error: ${reason}`),
  noPackage: () => failure('NO_PACKAGE', 'Lengow error: no package in the order'),
  noDeliveryAddress: () => failure('NO_DELIVERY_ADDRESS', 'Lengow error: no delivery address in the order'),
  noProducts: () => failure('NO_PRODUCTS', 'Lengow error: no products in the order'),
  /** `problem` says which field and why, e.g. `quantity 0 is not a positive integer`. */
  invalidLine: (lineId: string, problem: string) =>
    failure('INVALID_LINE', `Lengow error: line ${quoted(lineId)} has an invalid quantity or amount: ${problem}`),
  /** The shop keeps the line's id with the shop order line, in a column no longer than `max`. */
  invalidLineId: (lineId: string, max: number) =>
    failure(
      'INVALID_LINE',
      `Lengow error: line ${quoted(lineId)} has an invalid id: marketplace_order_line_id is longer than the shop stores (${max} characters)`,
    ),
  /** Lines each valid on their own that name one product: the merged shop line or stock movement would not be. */
  invalidLines: (lineIds: readonly string[], product: string, problem: string) =>
    failure(
      'INVALID_LINE',
      `Lengow error: lines ${lineIds.map(quoted).join(', ')} of product ${quoted(product)} add up to an invalid quantity or amount: ${problem}`,
    ),
  productNotFound: (id: string) => failure('PRODUCT_NOT_FOUND', `product ${quoted(id)} could not be found`),
  productIsParent: (id: string) =>
    failure('PRODUCT_IS_PARENT', `product ${quoted(id)} is a parent ID. Product variation is needed`),
  productNotAddable: (id: string) =>
    failure(
      'PRODUCT_NOT_ADDABLE',
      `product ${quoted(id)} could not be added to cart. Make sure it is available to order or that there is enough in stock`,
    ),
  invalidProductId: (id: string) =>
    failure('INVALID_PRODUCT_ID', `cannot add product ${quoted(id)} to cart (invalid ID format)`),
  noCurrency: () => failure('NO_CURRENCY', 'Lengow error: no currency in the order'),
  currencyNotAvailable: (iso: string) =>
    failure('CURRENCY_NOT_AVAILABLE', `the ${quoted(iso)} currency is not available in your shop`),
  noExchangeRate: () => failure('NO_EXCHANGE_RATE', 'Lengow error: no exchange rates available for order prices'),
  /** `problems` name the API fields, e.g. `total_order is missing`. */
  invalidAmounts: (problems: readonly string[]) =>
    failure('INVALID_AMOUNTS', `Lengow error: the order amounts are not valid: ${problems.join('; ')}`),
  noBillingAddress: () => failure('NO_BILLING_ADDRESS', 'Lengow error: no billing address in the order'),
  billingWithoutCountry: () =>
    failure('BILLING_WITHOUT_COUNTRY', "Lengow error: billing address doesn't contain the country"),
  deliveryWithoutCountry: () =>
    failure('DELIVERY_WITHOUT_COUNTRY', "Lengow error: delivery address doesn't contain the country"),
  invalidCountry: (address: 'billing' | 'delivery', country: string) =>
    failure(
      'INVALID_COUNTRY',
      `Lengow error: the ${address} address's country "${quoted(country)}" is not an ISO 3166-1 alpha-2 code`,
    ),
  /** `problems` name the API fields, e.g. `city is missing`; with several packages, a delivery address says which. */
  invalidAddress: (address: 'billing' | 'delivery', packageNumber: number | null, problems: readonly string[]) =>
    failure(
      'INVALID_ADDRESS',
      `Lengow error: the ${address} address${packageNumber === null ? '' : ` of package ${packageNumber}`} is not valid: ${problems.join('; ')}`,
    ),
  /** `problems` name the API fields, e.g. `marketplace_customer_id "…" is longer than the shop stores (255 characters)`. */
  invalidIds: (problems: readonly string[]) =>
    failure('INVALID_IDS', `Lengow error: the order's ids are not valid: ${problems.join('; ')}`),
  deliveryCountryNotActive: (name: string) =>
    failure('DELIVERY_COUNTRY_NOT_ACTIVE', `the country ${name} in the delivery address is not active`),
  noDefaultCarrier: (country: string, marketplaceLabel: string) =>
    failure(
      'NO_DEFAULT_CARRIER',
      `You must select a default carrier for the country: ${quoted(country)} and the marketplace: ${quoted(marketplaceLabel)}`,
    ),
};

/** Same failures in any order: used to keep repeated polls from appending identical failure events. */
export function sameFailures(a: readonly ImportFailure[], b: readonly ImportFailure[]): boolean {
  if (a.length !== b.length) return false;
  const key = (f: ImportFailure) => `${f.code}\u0000${f.message}`;
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.every((value, index) => value === right[index]);
}
