import { cleanText, needsCleaning } from './clean-text.js';
import { isBusinessOrder } from './detect-business-order.js';
import { toIso, tryParseInstant } from './instant.js';
import {
  isShippedByMarketplace,
  type MarketplaceOrderSnapshot,
  type OrderAddress,
} from './marketplace-order-snapshot.js';

/**
 * What the order itself looked like when an import decision was taken: when it was placed, who bought it, where it
 * goes, how much it is worth and what status it had. Decisions never read these back; they travel on the import
 * events (`OrderImportIgnored`, `OrderImportFailed`, `OrderImportPlanned`) so read models can show ignored and failed
 * orders too. Personal data is kept to the customer's name: no e-mail, phone or street address.
 */
export interface OrderFacts {
  /** `marketplace_order_date`, else `imported_at` (as the plugins read it), canonical ISO 8601 UTC; null if unreadable. */
  readonly orderDate: string | null;
  /** Billing name, else the delivery name: full name, else first + last name, else company. */
  readonly customerName: string | null;
  /** ISO 3166 alpha-2 (upper case) of the first package's delivery address. */
  readonly deliveryCountry: string | null;
  /** `total_order`, tax included; null when Lengow had no exchange rate (-1) or sent no number. */
  readonly totalAmount: number | null;
  /** ISO 4217 (upper case) of `totalAmount`. */
  readonly currency: string | null;
  /** Raw marketplace status, as seen. */
  readonly marketplaceStatus: string | null;
  /** Lengow status derived from the marketplace status (null when unmapped). */
  readonly lengowStatus: string | null;
  /** B2B: the marketplace says so, or a fiscal/VAT/SIRET number identifies a business (`isBusinessOrder`). */
  readonly business: boolean;
  /** The marketplace ships the order itself (`isShippedByMarketplace`). */
  readonly shippedByMarketplace: boolean;
}

/**
 * Facts of a snapshot, with the Lengow status the caller derived (from the definition's table). Total and lenient:
 * data the mapper could not normalise gives nulls, never an exception, so a malformed order is still recorded.
 */
export function orderFactsOf(snapshot: MarketplaceOrderSnapshot, lengowStatus: string | null): OrderFacts {
  const billing = address(snapshot.billingAddress);
  const delivery = firstDeliveryAddress(snapshot.packages);
  const total = record(snapshot.amounts)?.total;
  return {
    orderDate: instant(snapshot.orderDate) ?? instant(snapshot.importedAt),
    customerName: personName(billing) ?? personName(delivery),
    deliveryCountry: text(delivery?.countryIso2)?.toUpperCase() ?? null,
    totalAmount: typeof total === 'number' && Number.isFinite(total) && total >= 0 ? total : null,
    currency: text(snapshot.currency)?.toUpperCase() ?? null,
    marketplaceStatus: text(snapshot.marketplaceStatus),
    lengowStatus: text(lengowStatus),
    business: isBusinessOrder(snapshot, billing),
    shippedByMarketplace: isShippedByMarketplace(snapshot),
  };
}

function firstDeliveryAddress(packages: unknown): OrderAddress | null {
  if (!Array.isArray(packages)) return null;
  for (const item of packages) {
    const found = address(record(item)?.deliveryAddress);
    if (found) return found;
  }
  return null;
}

function personName(person: OrderAddress | null): string | null {
  if (!person) return null;
  const full = text(person.fullName);
  if (full) return full;
  const parts = [text(person.firstName), text(person.lastName)].filter((part) => part !== null);
  return parts.length > 0 ? parts.join(' ') : text(person.company);
}

function instant(value: unknown): string | null {
  const ms = tryParseInstant(typeof value === 'string' ? value : null);
  return ms === null ? null : toIso(ms);
}

function address(value: unknown): OrderAddress | null {
  return record(value) as OrderAddress | null;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** Cleaned as the plan's addresses are (`cleanText`): read models show the shop order's name, and can store it. */
function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const cleaned = needsCleaning(value) ? cleanText(value).value : value;
  return cleaned === '' ? null : cleaned;
}
