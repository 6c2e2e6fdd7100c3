import { cleanText, needsCleaning } from './clean-text.js';
import type { MarketplaceOrderSnapshot, OrderAddress } from './marketplace-order-snapshot.js';

/**
 * A value the engine supplied because Lengow did not, or cleaned because Lengow's could not be kept as sent: kept in
 * events so the merchant can see what was invented or changed.
 */
export interface FilledInField {
  readonly address: 'billing' | `delivery:${number}`;
  readonly field: string;
  readonly value: string;
  /** The value as Lengow sent it, when characters were removed from it (`cleanText`); absent for filled-in values. */
  readonly raw?: string;
}

export interface NormalisedAddresses {
  /** Null only when there is neither a billing address nor a delivery address to copy. */
  readonly billing: OrderAddress | null;
  /** Per package, null when the package has no delivery address. */
  readonly deliveries: readonly (OrderAddress | null)[];
  readonly filledIn: readonly FilledInField[];
}

export const NO_PHONE = '0000000000';
export const NOT_PROVIDED = 'not provided';
/** Fields a shop needs to save an address; marketplace-shipped orders often come without them (plugin #112). */
const FIELDS_FILLED_FOR_MARKETPLACE_SHIPPING = ['firstName', 'lastName', 'firstLine', 'zipcode', 'city'] as const;

const blank = (value: string | null | undefined) => typeof value !== 'string' || value.trim() === '';

/** Every text field of an address but the country, which is a code: validated as sent, never cleaned into one. */
const TEXT_FIELDS = [
  'company',
  'civility',
  'email',
  'firstName',
  'lastName',
  'fullName',
  'firstLine',
  'secondLine',
  'complement',
  'zipcode',
  'city',
  'stateRegion',
  'phoneHome',
  'phoneOffice',
  'phoneMobile',
  'vatNumber',
] as const satisfies readonly (keyof OrderAddress)[];

type MutableAddress = { -readonly [K in keyof OrderAddress]: OrderAddress[K] };

/**
 * The address with its text cleaned (`cleanText`): a value nothing is left of is absent, as if Lengow had sent none.
 * Only removals are recorded, with the raw value: normalised whitespace changes nothing a reader could miss.
 */
function cleanAddress(
  address: OrderAddress,
  label: FilledInField['address'],
  filledIn: FilledInField[],
): MutableAddress {
  const result: MutableAddress = { ...address };
  for (const field of TEXT_FIELDS) {
    const raw = address[field];
    if (typeof raw !== 'string' || !needsCleaning(raw)) continue;
    const cleaned = cleanText(raw);
    result[field] = cleaned.value === '' ? null : cleaned.value;
    if (cleaned.removed) filledIn.push({ address: label, field, value: cleaned.value, raw });
  }
  return result;
}

/** Marketplaces send `__` as a placeholder for unknown phones; the plugins strip it. */
function cleanPhone(value: string | null): string | null {
  if (typeof value !== 'string') return null;
  const cleaned = value.replace(/_/g, '').trim();
  return cleaned === '' ? null : cleaned;
}

function normalise(
  address: OrderAddress,
  label: FilledInField['address'],
  shippedByMarketplace: boolean,
  filledIn: FilledInField[],
): OrderAddress {
  const result = cleanAddress(address, label, filledIn);
  result.phoneHome = cleanPhone(result.phoneHome);
  result.phoneOffice = cleanPhone(result.phoneOffice);
  result.phoneMobile = cleanPhone(result.phoneMobile);
  if (result.phoneHome === null && result.phoneOffice === null && result.phoneMobile === null) {
    result.phoneMobile = NO_PHONE;
    filledIn.push({ address: label, field: 'phoneMobile', value: NO_PHONE });
  }
  if (shippedByMarketplace) {
    for (const field of FIELDS_FILLED_FOR_MARKETPLACE_SHIPPING) {
      if (blank(result[field])) {
        result[field] = NOT_PROVIDED;
        filledIn.push({ address: label, field, value: NOT_PROVIDED });
      }
    }
  }
  return result;
}

/**
 * Deterministic address clean-up before validation (lengow-api.md §9, §13 #13): a missing billing address becomes a
 * copy of the first delivery address (plugin 4.2.0); text loses control characters and lone surrogates, its whitespace
 * normalised (the plugins clean names and address lines before creating the customer and addresses; they strip more,
 * PrestaShop's forbidden punctuation, which the engine's shop takes); phones lose placeholders and get `0000000000`
 * when none is left, and addresses of marketplace-shipped orders get "not provided" in empty mandatory fields.
 * Everything filled or cleaned is listed, a cleaned value with what Lengow sent.
 */
export function normaliseAddresses(
  snapshot: Pick<MarketplaceOrderSnapshot, 'billingAddress' | 'packages'>,
  shippedByMarketplace: boolean,
): NormalisedAddresses {
  const filledIn: FilledInField[] = [];
  const packages = Array.isArray(snapshot.packages) ? snapshot.packages : [];
  const deliveries = packages.map((item, index) =>
    item?.deliveryAddress ? normalise(item.deliveryAddress, `delivery:${index}`, shippedByMarketplace, filledIn) : null,
  );
  let billingSource = snapshot.billingAddress;
  if (!billingSource) {
    billingSource = packages.find((item) => item?.deliveryAddress)?.deliveryAddress ?? null;
    if (billingSource) filledIn.push({ address: 'billing', field: '*', value: 'copied from the delivery address' });
  }
  const billing = billingSource ? normalise(billingSource, 'billing', shippedByMarketplace, filledIn) : null;
  return { billing, deliveries, filledIn };
}
