import { sumMoney } from '../domain/money.js';
import type { OrderEvent } from '../domain/order-events.js';

/**
 * What the overview shows about the order itself (when, who, where, how much) beside its lifecycle state. The domain
 * state does not keep these (decisions never need them), so the read model folds them from the events that carry
 * them: the order facts every import decision records (`OrderImportIgnored`, `OrderImportFailed`,
 * `OrderImportPlanned`: the Lengow order as seen), then the import plan and the created shop orders, whose totals
 * replace the order's. Events written before the facts were recorded carry none: such an ignored or failed order
 * shows nulls until its next import decision.
 */
export interface OverviewFacts {
  /** Billing name (full name, else first + last name, else company), else the delivery name. */
  readonly customerName: string | null;
  /** ISO 3166 alpha-2 of the first package's delivery address. */
  readonly deliveryCountry: string | null;
  /**
   * Sum of the planned (then created) shop orders' totals: products, shipping and, when imported, processing fee.
   * Before a plan (ignored, failed), the marketplace's `total_order`.
   */
  readonly totalAmount: number | null;
  /** ISO 4217. */
  readonly currency: string | null;
  /** The marketplace's order date (`marketplace_order_date`, else Lengow's `imported_at`), ISO 8601 UTC. */
  readonly orderDate: string | null;
  /**
   * The total is the shop orders' (plan, then creation): a later decision's facts (a failed re-import) keep it. Internal
   * to the fold, not a column; absent in folds stored before it, which read as false.
   */
  readonly totalFromShopOrders?: boolean;
}

export function initialOrderFacts(): OverviewFacts {
  return {
    customerName: null,
    deliveryCountry: null,
    totalAmount: null,
    currency: null,
    orderDate: null,
    totalFromShopOrders: false,
  };
}

/** Folds one (upcast) event into the facts; data of the wrong shape leaves a fact as it was rather than throwing. */
export function evolveOrderFacts(facts: OverviewFacts, event: OrderEvent): OverviewFacts {
  switch (event.type) {
    case 'OrderImportIgnored':
    case 'OrderImportFailed':
      return merge(facts, recordedFacts(facts, record(event.data)?.facts));
    case 'OrderImportPlanned': {
      const withRecorded = merge(facts, recordedFacts(facts, record(event.data)?.facts));
      const plan = record(event.data?.plan);
      return plan ? merge(withRecorded, factsFrom(plan.customer, plan.shopOrders, plan.currency)) : withRecorded;
    }
    case 'OrderImported':
    case 'OrderReimported': {
      const data = record(event.data);
      return data ? merge(facts, factsFrom(data.customer, data.shopOrders, data.currency)) : facts;
    }
    default:
      return facts;
  }
}

/**
 * The domain's `OrderFacts` as an event recorded them (absent in older events, possibly malformed in any). Their total
 * is the marketplace's, shown until shop orders are planned: it never replaces the shop orders' sum.
 */
function recordedFacts(current: OverviewFacts, value: unknown): Partial<OverviewFacts> {
  const facts = record(value);
  if (!facts) return {};
  const total = facts.totalAmount;
  const amount =
    current.totalFromShopOrders === true
      ? {}
      : {
          totalAmount: isFiniteNumber(total) && total >= 0 ? total : null,
          currency: text(facts.currency)?.toUpperCase() ?? null,
        };
  return {
    customerName: text(facts.customerName),
    deliveryCountry: text(facts.deliveryCountry)?.toUpperCase() ?? null,
    orderDate: timestamp(facts.orderDate),
    ...amount,
  };
}

function factsFrom(customer: unknown, shopOrders: unknown, currency: unknown): Partial<OverviewFacts> {
  const orders = Array.isArray(shopOrders) ? shopOrders.map(record).filter((order) => order !== null) : [];
  const totals = orders.map((order) => record(order.amounts)?.total).filter(isFiniteNumber);
  const totalAmount = orders.length > 0 && totals.length === orders.length ? sumMoney(totals) : null;
  return {
    customerName: personName(record(record(customer)?.billingAddress)),
    deliveryCountry: text(record(orders[0]?.deliveryAddress)?.countryIso2)?.toUpperCase() ?? null,
    totalAmount,
    currency: text(currency)?.toUpperCase() ?? null,
    totalFromShopOrders: totalAmount !== null ? true : undefined,
  };
}

/** A fact the event does not know keeps its previous value. */
function merge(facts: OverviewFacts, next: Partial<OverviewFacts>): OverviewFacts {
  const merged = { ...facts };
  for (const [field, value] of Object.entries(next) as [keyof OverviewFacts, OverviewFacts[keyof OverviewFacts]][]) {
    if (value !== null && value !== undefined) (merged as Record<string, unknown>)[field] = value;
  }
  return merged;
}

function personName(address: Record<string, unknown> | null): string | null {
  if (!address) return null;
  const full = text(address.fullName);
  if (full) return full;
  const parts = [text(address.firstName), text(address.lastName)].filter((part) => part !== null);
  return parts.length > 0 ? parts.join(' ') : text(address.company);
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim().replace(/\s+/g, ' ');
  return trimmed === '' ? null : trimmed;
}

/** Canonical ISO 8601 UTC with milliseconds, so the column sorts as text (docs/read-models.md); null if unreadable. */
function timestamp(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
