import type { CarrierMappingView } from './carrier-mapping.js';
import type { ImportFailure, ImportFailureKind } from './import-failure.js';
import type { ImportLookups } from './import-lookups.js';
import type { ImportSettings, RetryPolicy } from './import-settings.js';
import type { ActionType, MarketplaceDefinition } from './marketplace-definition.js';
import type { MarketplaceOrderSnapshot } from './marketplace-order-snapshot.js';
import type { OrderKey } from './order-key.js';
import type { RefundedLine, ShopShipment } from './shop-status-events.js';
import type { StockDecrementFailure } from './stock-decrement-failure.js';

/**
 * Commands carry everything a decision needs that is not in the stream: the time (`now`, ISO 8601), the Lengow order
 * as last seen, the marketplace definition, lookups in the shop and the settings. `decide` never asks anyone.
 */
interface Command<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
}

interface ImportInput {
  readonly snapshot: MarketplaceOrderSnapshot;
  /** Null when the marketplace is not in Lengow's list even after a refresh. */
  readonly definition: MarketplaceDefinition | null;
  readonly lookups: ImportLookups;
  readonly settings: ImportSettings;
  /** Opaque revision of settings + catalogue + carrier mapping; a change re-drives parked failures. */
  readonly configurationRevision: string | null;
  readonly now: string;
}

/** A poll (or an operator's one-order import) saw the order. Stream key = the snapshot's (marketplace, order id). */
export type ImportOrder = Command<
  'ImportOrder',
  ImportInput & { readonly trigger: 'poll' | 'operator'; readonly retryAfterFix?: boolean }
>;

/** Explicit "import again now": a failed order is retried, an imported one gets new shop orders replacing the old. */
export type ReimportOrder = Command<'ReimportOrder', ImportInput>;

/** The shop created the planned orders; ids keyed by the plan's idempotency keys. */
export type RecordShopOrdersCreated = Command<
  'RecordShopOrdersCreated',
  {
    readonly orderKey: OrderKey;
    readonly generation: number;
    readonly shopOrderIds: Readonly<Record<string, string>>;
    /**
     * What the shop answered to the plan's stock decrement, tried right after the creation of a first import's orders.
     * Absent when it was not tried (or the shop could not say): the stock saga takes it from `OrderImported`.
     */
    readonly stock?: StockTried;
    readonly now: string;
  }
>;

/** The shop's answer to a stock decrement tried under the plan's key: taken, or refused for the operator to fix. */
export type StockTried =
  | { readonly outcome: 'decremented'; readonly key: string }
  | { readonly outcome: 'refused'; readonly key: string; readonly failure: StockDecrementFailure };

/** The shop refused the creation, or the shop/Lengow could not be reached (`transient`, retried with backoff). */
export type RecordImportFailure = Command<
  'RecordImportFailure',
  {
    readonly orderKey: OrderKey;
    /** Generation of the pending plan, or null when the failure happened before planning (e.g. lookups unreachable). */
    readonly generation: number | null;
    readonly kind: ImportFailureKind;
    readonly failures: readonly ImportFailure[];
    readonly retryPolicy: RetryPolicy;
    readonly configurationRevision: string | null;
    /**
     * The Lengow order as last seen, when the caller has it (e.g. lookups unreachable before planning): its facts are
     * recorded on the failure so read models can show the order. Ignored when it is another order's.
     */
    readonly snapshot?: MarketplaceOrderSnapshot | null;
    /** Its marketplace's definition, to derive the Lengow status of those facts (else Lengow's own status stands in). */
    readonly definition?: MarketplaceDefinition | null;
    readonly now: string;
  }
>;

export type RecordStockDecremented = Command<
  'RecordStockDecremented',
  { readonly orderKey: OrderKey; readonly key: string; readonly now: string }
>;

/**
 * The shop refused the planned decrement and took nothing: for want of units (only with "force product" off), or
 * because its catalogue no longer has products as the order names them.
 */
export type RecordStockDecrementFailed = Command<
  'RecordStockDecrementFailed',
  {
    readonly orderKey: OrderKey;
    readonly key: string;
    readonly failure: StockDecrementFailure;
    readonly now: string;
  }
>;

/** The operator fixed the shop's side (restocked, put the products back) and asks for the decrement again. */
export type RetryStockDecrement = Command<'RetryStockDecrement', { readonly orderKey: OrderKey; readonly now: string }>;

export type RecordMerchantOrderIdsSent = Command<
  'RecordMerchantOrderIdsSent',
  {
    readonly orderKey: OrderKey;
    readonly key: string;
    readonly outcome: { readonly kind: 'sent' } | { readonly kind: 'failed'; readonly message: string };
    readonly now: string;
  }
>;

export type ResynchronizeOrder = Command<'ResynchronizeOrder', { readonly orderKey: OrderKey; readonly now: string }>;

/** `reason`: what the merchant gave as the cancel or refund reason in the shop; absent, null or blank when none. */
export type ShopStatusChange =
  | ({ readonly kind: 'shipped' } & ShopShipment)
  | { readonly kind: 'canceled'; readonly reason?: string | null }
  | { readonly kind: 'refunded'; readonly reason?: string | null }
  | { readonly kind: 'line_refunded'; readonly lines: readonly RefundedLine[]; readonly reason?: string | null };

export type RecordShopStatusChange = Command<
  'RecordShopStatusChange',
  {
    readonly orderKey: OrderKey;
    readonly changeId: string;
    readonly shopOrderId: string;
    readonly change: ShopStatusChange;
    readonly now: string;
  }
>;

interface ActionInput {
  readonly orderKey: OrderKey;
  readonly definition: MarketplaceDefinition;
  readonly carrierMapping: CarrierMappingView;
  /** Merchant choices for `reason`, `refund_reason`, `refund_mode`, an edited `shipping_method`… */
  readonly choices?: Readonly<Record<string, string>>;
  readonly now: string;
}

/** Sagas issue these from the recorded shop change (`changeId`): shipped → ship, canceled → cancel, refunded → refund. */
export type RequestShip = Command<'RequestShip', ActionInput & { readonly changeId: string }>;
export type RequestCancel = Command<'RequestCancel', ActionInput & { readonly changeId: string }>;
export type RequestRefund = Command<'RequestRefund', ActionInput & { readonly changeId: string }>;

/** Operator's explicit re-send of the last failed action (of this type, or of any type). */
export type ResendAction = Command<'ResendAction', ActionInput & { readonly actionType?: ActionType }>;

export type RecordActionSent = Command<
  'RecordActionSent',
  {
    readonly orderKey: OrderKey;
    readonly attemptKey: string;
    readonly lengowActionId: string;
    readonly via: 'posted' | 'adopted';
    readonly now: string;
  }
>;

export type ActionOutcome =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'refused'; readonly errors: readonly string[] }
  /** The saga checked the real order first (§13 #9) and still found no outcome. */
  | { readonly kind: 'timed_out' }
  | {
      readonly kind: 'send_failed';
      readonly transient: boolean;
      /**
       * The engine, not the action, is what failed (Lengow refused its credentials): the attempt waits with backoff for
       * as long as it takes, without using up its tries, instead of every action of that hour ending refused.
       */
      readonly blocked?: boolean;
      readonly message: string;
      readonly retryPolicy: RetryPolicy;
    };

export type RecordActionOutcome = Command<
  'RecordActionOutcome',
  { readonly orderKey: OrderKey; readonly attemptKey: string; readonly outcome: ActionOutcome; readonly now: string }
>;

export type OrderCommand =
  | ImportOrder
  | ReimportOrder
  | RecordShopOrdersCreated
  | RecordImportFailure
  | RecordStockDecremented
  | RecordStockDecrementFailed
  | RetryStockDecrement
  | RecordMerchantOrderIdsSent
  | ResynchronizeOrder
  | RecordShopStatusChange
  | RequestShip
  | RequestCancel
  | RequestRefund
  | ResendAction
  | RecordActionSent
  | RecordActionOutcome;
