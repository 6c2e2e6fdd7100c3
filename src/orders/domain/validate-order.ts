import { SHOP_CONTROL_CHARACTERS, SHOP_LIMITS, SHOP_MAX_AMOUNT } from '../../shop/shop-limits.js';
import type { ShopCarrier } from './carrier-mapping.js';
import { importFailures, quoted, type ImportFailure } from './import-failure.js';
import type { ImportLookups, ShopProductRef } from './import-lookups.js';
import type { ImportSettings } from './import-settings.js';
import { DROPPED_LINE_STATUSES, lengowStatusOf } from './lengow-status.js';
import type { MarketplaceDefinition } from './marketplace-definition.js';
import type {
  MarketplaceOrderSnapshot,
  OrderAddress,
  PackageTracking,
  SnapshotLine,
} from './marketplace-order-snapshot.js';
import { shopAmountProblem, sumMoney } from './money.js';
import { normaliseAddresses, type FilledInField } from './normalise-addresses.js';
import { productCandidates, productLabel } from './product-candidates.js';
import { resolveImportCarrier, type CarrierResolvedBy } from './resolve-import-carrier.js';

export interface ValidateOrderInput {
  readonly snapshot: MarketplaceOrderSnapshot;
  readonly definition: MarketplaceDefinition;
  readonly lookups: ImportLookups;
  readonly settings: Pick<ImportSettings, 'forceProduct'>;
  readonly shippedByMarketplace: boolean;
}

export interface ValidatedLine {
  readonly line: SnapshotLine;
  readonly product: ShopProductRef;
}

export interface ValidatedPackage {
  /** Position in `packages`: the stable part of the shop order key. */
  readonly packageIndex: number;
  readonly deliveryId: string;
  readonly deliveryAddress: OrderAddress;
  readonly tracking: PackageTracking | null;
  readonly carrier: ShopCarrier;
  readonly carrierResolvedBy: CarrierResolvedBy;
  /** Lines still part of the order (canceled/refused ones dropped); may be empty for a fully canceled package. */
  readonly lines: readonly ValidatedLine[];
}

export type ValidationResult =
  | {
      readonly ok: true;
      readonly billing: OrderAddress;
      readonly packages: readonly ValidatedPackage[];
      readonly filledIn: readonly FilledInField[];
    }
  | { readonly ok: false; readonly failures: readonly ImportFailure[]; readonly filledIn: readonly FilledInField[] };

const blank = (value: string | null | undefined) => typeof value !== 'string' || value.trim() === '';

/** Lines the marketplace canceled or refused are not part of the order (plugins' `getProducts`). */
export function isDroppedLine(line: SnapshotLine, definition: Pick<MarketplaceDefinition, 'statusTable'>): boolean {
  const status = lengowStatusOf(definition.statusTable, line.marketplaceStatus);
  return status !== null && DROPPED_LINE_STATUSES.includes(status);
}

const QUANTITY_LIMIT = `more than the shop takes (${SHOP_LIMITS.maxQuantity})`;

/**
 * What is wrong with a line's quantity or amount, in the API's field names; null when both can be sold. Past the
 * shop's limits (`SHOP_LIMITS`, the figures its own input check refuses) is wrong too: reported here, on the line,
 * rather than as the shop's refusal of the whole creation once it is under way.
 */
function lineProblem(line: SnapshotLine): string | null {
  const { quantity, amount } = line;
  if (!Number.isSafeInteger(quantity) || quantity <= 0) return `quantity ${String(quantity)} is not a positive integer`;
  if (quantity > SHOP_LIMITS.maxQuantity) return `quantity ${quantity} is ${QUANTITY_LIMIT}`;
  // The mapper reads an absent amount as NaN, so that it is reported rather than sold for free.
  if (typeof amount !== 'number' || Number.isNaN(amount)) return 'amount is missing';
  if (!Number.isFinite(amount)) return `amount ${String(amount)} is not a finite number`;
  if (amount < 0) return `amount ${amount} is negative`;
  const beyond = shopAmountProblem(amount);
  return beyond === null ? null : `amount ${amount} ${beyond}`;
}

/** The order-level amounts the plan uses, in the API's field names; empty when they can all be billed. */
function amountProblems(amounts: MarketplaceOrderSnapshot['amounts'] | undefined): string[] {
  if (!amounts || typeof amounts !== 'object') return ['total_order is missing'];
  const problems: string[] = [];
  const fields = [
    ['total_order', amounts.total, false],
    ['shipping', amounts.shipping, true],
    ['processing_fee', amounts.processingFee, true],
  ] as const;
  for (const [field, value, charge] of fields) {
    if (typeof value !== 'number' || Number.isNaN(value)) problems.push(`${field} is missing`);
    else if (!Number.isFinite(value)) problems.push(`${field} ${String(value)} is not a finite number`);
    // A negative charge would be billed as a discount. Without an exchange rate Lengow sends every amount as -1:
    // that is reported once, as NO_EXCHANGE_RATE.
    else if (charge && value < 0 && amounts.total !== -1) problems.push(`${field} ${value} is negative`);
    else if (value >= 0) {
      const beyond = shopAmountProblem(value);
      if (beyond !== null) problems.push(`${field} ${value} ${beyond}`);
    }
  }
  return problems;
}

/**
 * Lines naming the same product become one shop order line per package, and one stock movement for the whole order
 * (`planShopOrders`): each line may be within the shop's limits and their sum not. Counted as the plan counts them, a
 * marketplace line listed in two packages once. Looked into only when the whole order is past a limit, which a
 * real order never is: the sums were made on the way through the lines.
 */
function productTotalFailures(resolved: readonly ValidatedLine[]): ImportFailure[] {
  const totals = new Map<string, { label: string; lineIds: string[]; quantity: number; amounts: number[] }>();
  const counted = new Set<string>();
  for (const { line, product } of resolved) {
    const id = String(line.lineId).trim();
    if (counted.has(id)) continue;
    counted.add(id);
    const key = `${product.productId}\u0000${product.variantId ?? ''}`;
    const total = totals.get(key) ?? { label: productLabel(line), lineIds: [], quantity: 0, amounts: [] };
    total.lineIds.push(line.lineId);
    total.quantity += line.quantity;
    total.amounts.push(line.amount);
    totals.set(key, total);
  }
  const failures: ImportFailure[] = [];
  for (const { label, lineIds, quantity, amounts } of totals.values()) {
    if (lineIds.length < 2) continue;
    const amount = sumMoney(amounts);
    const problems = [
      ...(quantity > SHOP_LIMITS.maxQuantity ? [`quantity ${quantity} is ${QUANTITY_LIMIT}`] : []),
      ...(amount > SHOP_MAX_AMOUNT ? [`amount ${amount} ${shopAmountProblem(amount)}`] : []),
    ];
    if (problems.length > 0) failures.push(importFailures.invalidLines(lineIds, label, problems.join('; ')));
  }
  return failures;
}

/** API names of the address fields messages name. */
const API_FIELD: Readonly<Partial<Record<keyof OrderAddress, string>>> = {
  company: 'company',
  email: 'email',
  firstName: 'first_name',
  lastName: 'last_name',
  fullName: 'full_name',
  firstLine: 'first_line',
  secondLine: 'second_line',
  complement: 'complement',
  zipcode: 'zipcode',
  city: 'city',
  stateRegion: 'state_region',
  phoneHome: 'phone_home',
  phoneOffice: 'phone_office',
  phoneMobile: 'phone_mobile',
  vatNumber: 'vat_number',
};

/** Fields the shop stores whenever they are present, with its column's length. */
const STORED_FIELDS: readonly (readonly [keyof OrderAddress, number])[] = [
  ['company', SHOP_LIMITS.maxText],
  ['email', SHOP_LIMITS.maxText],
  ['firstName', SHOP_LIMITS.maxText],
  ['lastName', SHOP_LIMITS.maxText],
  ['firstLine', SHOP_LIMITS.maxText],
  ['secondLine', SHOP_LIMITS.maxText],
  ['complement', SHOP_LIMITS.maxText],
  ['zipcode', SHOP_LIMITS.maxPostcode],
  ['city', SHOP_LIMITS.maxText],
  ['stateRegion', SHOP_LIMITS.maxText],
  ['vatNumber', SHOP_LIMITS.maxVatNumber],
];

/**
 * What keeps the shop from saving an address (normalised, so already cleaned), in the API's field names; empty when
 * nothing does. A street (`first_line`, else `second_line` or `complement` standing in) and a city are what a parcel
 * cannot go without: the shop refuses an address without them. A field that is missing only because nothing was left
 * once its control characters were removed quotes what Lengow sent, so the merchant sees why.
 */
function addressProblems(
  address: OrderAddress,
  label: FilledInField['address'],
  filledIn: readonly FilledInField[],
): string[] {
  const problems: string[] = [];
  if (blank(address.firstLine) && blank(address.secondLine) && blank(address.complement))
    problems.push(missingProblem('firstLine', label, filledIn));
  if (blank(address.city)) problems.push(missingProblem('city', label, filledIn));
  for (const [field, max] of STORED_FIELDS) checkLength(address, field, max, problems);
  // The full name is the last name when there is none; the phone kept is the first of the three there is.
  if (blank(address.lastName)) checkLength(address, 'fullName', SHOP_LIMITS.maxText, problems);
  const phone = !blank(address.phoneMobile)
    ? 'phoneMobile'
    : !blank(address.phoneHome)
      ? 'phoneHome'
      : !blank(address.phoneOffice)
        ? 'phoneOffice'
        : null;
  if (phone !== null) checkLength(address, phone, SHOP_LIMITS.maxPhone, problems);
  return problems;
}

function missingProblem(
  field: keyof OrderAddress,
  label: FilledInField['address'],
  filledIn: readonly FilledInField[],
): string {
  const raw = filledIn.find((note) => note.address === label && note.field === field && note.raw !== undefined)?.raw;
  return raw === undefined
    ? `${API_FIELD[field]} is missing`
    : `${API_FIELD[field]} "${quoted(raw)}" is blank once stripped of control characters and lone surrogates`;
}

function checkLength(address: OrderAddress, field: keyof OrderAddress, max: number, problems: string[]): void {
  const value = address[field];
  // Normalised values are trimmed already, as the shop trims before measuring.
  if (typeof value === 'string' && value.length > max)
    problems.push(longerProblem(API_FIELD[field] ?? field, value, max));
}

const longerProblem = (field: string, value: string, max: number) =>
  `${field} "${quoted(value)}" is longer than the shop stores (${max} characters)`;

/**
 * Ids are not cleaned (they go back to Lengow, and to the carrier, as sent): measured as the shop measures them, once
 * trimmed. The untrimmed length alone settles nearly every id.
 */
const pastTextColumn = (value: string) =>
  value.length > SHOP_LIMITS.maxText && value.trim().length > SHOP_LIMITS.maxText;

/**
 * What keeps the shop from storing `trackings[0].relay.id`; null when nothing does. Unlike names and addresses, which
 * are cleaned, the id is kept as sent, in a text column of the shop's own: it refuses control characters there.
 */
function relayProblem(relayId: string): string | null {
  if (pastTextColumn(relayId)) return longerProblem('relay.id', relayId, SHOP_LIMITS.maxText);
  // The shop trims first: a line break around the id is padding, not part of it.
  if (SHOP_CONTROL_CHARACTERS.test(relayId) && SHOP_CONTROL_CHARACTERS.test(relayId.trim()))
    return `relay.id "${quoted(relayId)}" contains control characters`;
  return null;
}

function lineFailure(
  line: SnapshotLine,
  lookups: ImportLookups,
  forceProduct: boolean,
): ImportFailure | ShopProductRef {
  const problem = lineProblem(line);
  if (problem !== null) return importFailures.invalidLine(line.lineId, problem);
  if (productCandidates(line).length === 0) return importFailures.invalidProductId(line.lineId);
  const label = productLabel(line);
  const lookup = lookups.products[line.lineId] ?? { kind: 'not_found' };
  switch (lookup.kind) {
    case 'found':
      return !lookup.available && !forceProduct ? importFailures.productNotAddable(label) : lookup.product;
    case 'parent_without_variant':
      return importFailures.productIsParent(label);
    case 'invalid_id':
      return importFailures.invalidProductId(label);
    default:
      return importFailures.productNotFound(label);
  }
}

/**
 * Every check that must pass before anything is created (lengow-api.md §9): all of them run and every failure is
 * reported, so the merchant fixes everything in one go instead of discovering problems one poll at a time.
 */
export function validateOrder({
  snapshot,
  definition,
  lookups,
  settings,
  shippedByMarketplace,
}: ValidateOrderInput): ValidationResult {
  const failures: ImportFailure[] = [];
  const report = (failure: ImportFailure) => {
    if (!failures.some((known) => known.code === failure.code && known.message === failure.message))
      failures.push(failure);
  };
  const packages = Array.isArray(snapshot.packages) ? snapshot.packages : [];
  const { billing, deliveries, filledIn } = normaliseAddresses(snapshot, shippedByMarketplace);

  if (packages.length === 0) report(importFailures.noPackage());
  if (billing === null) report(importFailures.noBillingAddress());
  else if (blank(billing.countryIso2)) report(importFailures.billingWithoutCountry());
  else if (billing.countryIso2 !== null && !isCountryCode(billing.countryIso2))
    report(importFailures.invalidCountry('billing', billing.countryIso2));
  if (billing !== null) {
    const problems = addressProblems(billing, 'billing', filledIn);
    if (problems.length > 0) report(importFailures.invalidAddress('billing', null, problems));
  }

  if (blank(snapshot.currency)) report(importFailures.noCurrency());
  else if (!lookups.currencyAvailable)
    report(importFailures.currencyNotAvailable(String(snapshot.currency).trim().toUpperCase()));
  const amountsWrong = amountProblems(snapshot.amounts);
  if (amountsWrong.length > 0) report(importFailures.invalidAmounts(amountsWrong));
  if (snapshot.amounts?.total === -1) report(importFailures.noExchangeRate());

  // marketplace_customer_id and the relay ids: ids the shop stores on the customer and the shop orders, as sent.
  const idsWrong: string[] = [];
  const customerId = snapshot.marketplaceCustomerId;
  if (typeof customerId === 'string' && pastTextColumn(customerId))
    idsWrong.push(longerProblem('marketplace_customer_id', customerId, SHOP_LIMITS.maxText));

  const validated: ValidatedPackage[] = [];
  const resolved: ValidatedLine[] = [];
  let orderQuantity = 0;
  let orderAmount = 0;
  let keptLines = 0;
  packages.forEach((item, packageIndex) => {
    const delivery = deliveries[packageIndex] ?? null;
    const lines: ValidatedLine[] = [];
    for (const line of Array.isArray(item?.lines) ? item.lines : []) {
      if (isDroppedLine(line, definition)) continue;
      keptLines += 1;
      if (typeof line.lineId === 'string' && pastTextColumn(line.lineId))
        report(importFailures.invalidLineId(line.lineId, SHOP_LIMITS.maxText));
      const outcome = lineFailure(line, lookups, settings.forceProduct);
      if ('code' in outcome) report(outcome);
      else {
        const validatedLine = { line, product: outcome };
        lines.push(validatedLine);
        resolved.push(validatedLine);
        orderQuantity += line.quantity;
        orderAmount += line.amount;
      }
    }
    const relayId = item?.tracking?.relayId;
    const relayWrong = typeof relayId === 'string' ? relayProblem(relayId) : null;
    // Named with its package, as the API nests it: packages[1].delivery.trackings[0].relay.id.
    if (relayWrong !== null) idsWrong.push(`packages[${packageIndex}].delivery.trackings[0].${relayWrong}`);
    if (blank(item?.deliveryId) || delivery === null) {
      report(importFailures.noDeliveryAddress());
      return;
    }
    const problems = addressProblems(delivery, `delivery:${packageIndex}`, filledIn);
    if (problems.length > 0)
      report(importFailures.invalidAddress('delivery', packages.length > 1 ? packageIndex + 1 : null, problems));
    const country = delivery.countryIso2;
    if (country === null || blank(country)) {
      report(importFailures.deliveryWithoutCountry());
      return;
    }
    if (!isCountryCode(country)) {
      // Else it would surface as "no default carrier for FRA" or a shop refusal, and be recorded as a country seen.
      report(importFailures.invalidCountry('delivery', country));
      return;
    }
    const shopCountry = lookups.countries[country.trim().toUpperCase()];
    if (shopCountry && !shopCountry.active) report(importFailures.deliveryCountryNotActive(shopCountry.name));
    const carrier = resolveImportCarrier({
      tracking: item.tracking,
      country: country.trim(),
      definition,
      mapping: lookups.carrierMapping,
    });
    if (!carrier.ok) {
      report(carrier.failure);
      return;
    }
    validated.push({
      packageIndex,
      deliveryId: String(item.deliveryId).trim(),
      deliveryAddress: delivery,
      tracking: item.tracking,
      carrier: carrier.shopCarrier,
      carrierResolvedBy: carrier.resolvedBy,
      lines,
    });
  });
  if (idsWrong.length > 0) report(importFailures.invalidIds(idsWrong));
  if (orderQuantity > SHOP_LIMITS.maxQuantity || orderAmount > SHOP_MAX_AMOUNT)
    for (const failure of productTotalFailures(resolved)) report(failure);
  if (packages.length > 0 && keptLines === 0) report(importFailures.noProducts());

  if (failures.length > 0 || billing === null) return { ok: false, failures, filledIn };
  return { ok: true, billing, packages: validated, filledIn };
}

const COUNTRY_CODE = /^[A-Za-z]{2}$/;

/** Lengow's `common_country_iso_a2` is an ISO 3166-1 alpha-2 code; the mapping upper-cases it. */
function isCountryCode(value: string): boolean {
  return COUNTRY_CODE.test(value.trim());
}
