import { sumMoney } from '../domain/money.js';
import type { OrderEvent } from '../domain/order-events.js';

/**
 * What the overview shows about the order itself (who, where, how much) beside its lifecycle state. The domain state
 * does not keep these (decisions never need them), so the read model folds them from the events that carry them:
 * the import plan and the imported shop orders. Events before a plan (ignored, failed validation) carry none of them,
 * so those orders show nulls until the domain records these facts earlier.
 */
export interface OrderFacts {
  /** Billing name (full name, else first + last name, else company). */
  readonly customerName: string | null;
  /** ISO 3166 alpha-2 of the first package's delivery address. */
  readonly deliveryCountry: string | null;
  /** Sum of the planned (then created) shop orders' totals: products, shipping and, when imported, processing fee. */
  readonly totalAmount: number | null;
  /** ISO 4217. */
  readonly currency: string | null;
  /** The marketplace's order date. No order event carries it yet, so it stays null (see docs/read-models.md). */
  readonly orderDate: string | null;
}

export function initialOrderFacts(): OrderFacts {
  return { customerName: null, deliveryCountry: null, totalAmount: null, currency: null, orderDate: null };
}

/** Folds one (upcast) event into the facts; data of the wrong shape leaves a fact as it was rather than throwing. */
export function evolveOrderFacts(facts: OrderFacts, event: OrderEvent): OrderFacts {
  switch (event.type) {
    case 'OrderImportPlanned': {
      const plan = record(event.data?.plan);
      return plan ? merge(facts, factsFrom(plan.customer, plan.shopOrders, plan.currency)) : facts;
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

function factsFrom(customer: unknown, shopOrders: unknown, currency: unknown): Partial<OrderFacts> {
  const orders = Array.isArray(shopOrders) ? shopOrders.map(record).filter((order) => order !== null) : [];
  const totals = orders.map((order) => record(order.amounts)?.total).filter(isFiniteNumber);
  return {
    customerName: personName(record(record(customer)?.billingAddress)),
    deliveryCountry: text(record(orders[0]?.deliveryAddress)?.countryIso2)?.toUpperCase() ?? null,
    totalAmount: orders.length > 0 && totals.length === orders.length ? sumMoney(totals) : null,
    currency: text(currency)?.toUpperCase() ?? null,
  };
}

/** A fact the event does not know keeps its previous value. */
function merge(facts: OrderFacts, next: Partial<OrderFacts>): OrderFacts {
  const merged = { ...facts };
  for (const [field, value] of Object.entries(next) as [keyof OrderFacts, OrderFacts[keyof OrderFacts]][]) {
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

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
