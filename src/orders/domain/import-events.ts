import type { DomainEvent } from './domain-event.js';
import type { ImportFailure, ImportFailureKind } from './import-failure.js';
import type { FilledInField } from './normalise-addresses.js';
import type { OrderFacts } from './order-facts.js';
import type { OrderKey } from './order-key.js';
import type { PlannedShopOrder, ShopOrderPlan, StockDecrementPlan } from './plan-shop-orders.js';

/** Who asked for the import: a scheduled poll, an operator's one-order import, or an explicit re-import. */
export type ImportTrigger = 'poll' | 'operator' | 'reimport';

export type ImportIgnoreCode =
  | 'MARKETPLACE_UNKNOWN'
  | 'ANONYMIZED'
  | 'TOO_OLD'
  | 'ALREADY_IMPORTED_ELSEWHERE'
  | 'STATUS_NOT_IMPORTABLE'
  | 'LINES_WAITING_ACCEPTANCE'
  | 'SHIPPED_BY_MARKETPLACE';

/** The order is deliberately not created (yet); a later poll re-evaluates it. */
export type OrderImportIgnored = DomainEvent<
  'OrderImportIgnored',
  {
    readonly orderKey: OrderKey;
    readonly code: ImportIgnoreCode;
    readonly message: string;
    readonly marketplaceStatus: string;
    readonly lengowStatus: string | null;
    /**
     * The order as the decision saw it (date, customer, country, total, statuses), for read models. Absent in events
     * written before it was recorded (same schema version: an additive optional field, see order-events.ts).
     */
    readonly facts?: OrderFacts | null;
    readonly at: string;
  }
>;

/** Validation passed: the intent to create these shop orders, picked up by the import saga with the plan's keys. */
export type OrderImportPlanned = DomainEvent<
  'OrderImportPlanned',
  {
    readonly orderKey: OrderKey;
    readonly trigger: ImportTrigger;
    readonly plan: ShopOrderPlan;
    /**
     * Revision the plan was decided with. A failure to create the planned orders is recorded with it, so the next poll
     * (same revision) waits instead of planning the same refused orders again. Absent in events written before it.
     */
    readonly configurationRevision?: string | null;
    /**
     * The order as the decision saw it (date, customer, country, total, statuses), for read models. Absent in events
     * written before it was recorded (same schema version: an additive optional field, see order-events.ts).
     */
    readonly facts?: OrderFacts | null;
    readonly at: string;
  }
>;

export type OrderImportFailed = DomainEvent<
  'OrderImportFailed',
  {
    readonly orderKey: OrderKey;
    readonly generation: number;
    readonly kind: ImportFailureKind;
    readonly failures: readonly ImportFailure[];
    /** Consecutive failed attempts, counting this one. */
    readonly attempt: number;
    /** When a poll may try again (transient failures only). */
    readonly nextAttemptAt: string | null;
    /** Transient failures past the retry budget: parked until an operator or a configuration change re-drives them. */
    readonly parked: boolean;
    /** Settings/catalogue revision the failure was decided with; a different revision makes a poll retry. */
    readonly configurationRevision: string | null;
    readonly marketplaceStatus: string | null;
    readonly lengowStatus: string | null;
    readonly filledIn: readonly FilledInField[];
    /**
     * The order as the decision saw it (date, customer, country, total, statuses), for read models. Absent in events
     * written before it was recorded (same schema version: an additive optional field, see order-events.ts); null when
     * the failure was recorded without the Lengow order at hand (e.g. the shop refused a planned creation).
     */
    readonly facts?: OrderFacts | null;
    readonly at: string;
  }
>;

export interface CreatedShopOrder extends PlannedShopOrder {
  readonly shopOrderId: string;
}

export interface ImportedOrderData {
  readonly orderKey: OrderKey;
  readonly generation: number;
  readonly marketplaceStatus: string;
  readonly lengowStatus: string;
  readonly currency: string;
  readonly customer: ShopOrderPlan['customer'];
  readonly business: boolean;
  readonly shippedByMarketplace: boolean;
  readonly filledIn: readonly FilledInField[];
  readonly shopOrders: readonly CreatedShopOrder[];
  /** First moi to send (lengow-api.md §7): every shop order id of this generation. */
  readonly merchantOrderIds: { readonly key: string; readonly ids: readonly string[] };
  readonly at: string;
}

/** The shop orders exist: "imported" is derived from this fact, never from a status flag (lengow-api.md §13 #3). */
export type OrderImported = DomainEvent<
  'OrderImported',
  ImportedOrderData & {
    readonly stockDecrement: StockDecrementPlan | null;
    /**
     * The decrement was tried with the creation: its outcome (`StockDecremented` or `StockDecrementFailed`) follows in
     * the same append, so the stock saga has nothing to do. Absent on events written before, and when the shop could
     * not answer: then the saga tries.
     */
    readonly stockDecrementTried?: true;
  }
>;

/** New shop orders replace the previous ones, which go to "technical error"; stock is not touched again. */
export type OrderReimported = DomainEvent<
  'OrderReimported',
  ImportedOrderData & { readonly replacedShopOrderIds: readonly string[] }
>;

export type ImportEvent = OrderImportIgnored | OrderImportPlanned | OrderImportFailed | OrderImported | OrderReimported;
