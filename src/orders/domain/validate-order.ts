import type { ShopCarrier } from './carrier-mapping.js';
import { importFailures, type ImportFailure } from './import-failure.js';
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

/** What is wrong with a line's quantity or amount, in the API's field names; null when both can be sold. */
function lineProblem(line: SnapshotLine): string | null {
  const { quantity, amount } = line;
  if (!Number.isSafeInteger(quantity) || quantity <= 0) return `quantity ${String(quantity)} is not a positive integer`;
  // The mapper reads an absent amount as NaN, so that it is reported rather than sold for free.
  if (typeof amount !== 'number' || Number.isNaN(amount)) return 'amount is missing';
  if (!Number.isFinite(amount)) return `amount ${String(amount)} is not a finite number`;
  if (amount < 0) return `amount ${amount} is negative`;
  return null;
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
  }
  return problems;
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

  if (blank(snapshot.currency)) report(importFailures.noCurrency());
  else if (!lookups.currencyAvailable)
    report(importFailures.currencyNotAvailable(String(snapshot.currency).trim().toUpperCase()));
  const amountsWrong = amountProblems(snapshot.amounts);
  if (amountsWrong.length > 0) report(importFailures.invalidAmounts(amountsWrong));
  if (snapshot.amounts?.total === -1) report(importFailures.noExchangeRate());

  const validated: ValidatedPackage[] = [];
  let keptLines = 0;
  packages.forEach((item, packageIndex) => {
    const delivery = deliveries[packageIndex] ?? null;
    const lines: ValidatedLine[] = [];
    for (const line of Array.isArray(item?.lines) ? item.lines : []) {
      if (isDroppedLine(line, definition)) continue;
      keptLines += 1;
      const outcome = lineFailure(line, lookups, settings.forceProduct);
      if ('code' in outcome) report(outcome);
      else lines.push({ line, product: outcome });
    }
    if (blank(item?.deliveryId) || delivery === null) {
      report(importFailures.noDeliveryAddress());
      return;
    }
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
  if (packages.length > 0 && keptLines === 0) report(importFailures.noProducts());

  if (failures.length > 0 || billing === null) return { ok: false, failures, filledIn };
  return { ok: true, billing, packages: validated, filledIn };
}

const COUNTRY_CODE = /^[A-Za-z]{2}$/;

/** Lengow's `common_country_iso_a2` is an ISO 3166-1 alpha-2 code; the mapping upper-cases it. */
function isCountryCode(value: string): boolean {
  return COUNTRY_CODE.test(value.trim());
}
