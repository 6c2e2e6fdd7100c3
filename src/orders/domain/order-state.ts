import type { ActionFailure } from './action-failure.js';
import type { ActionScope } from './action-events.js';
import type { CreatedShopOrder, ImportIgnoreCode, ImportTrigger } from './import-events.js';
import type { ImportFailure, ImportFailureKind } from './import-failure.js';
import type { ActionType } from './marketplace-definition.js';
import type { OrderKey } from './order-key.js';
import type { ShopOrderPlan, StockDecrementPlan } from './plan-shop-orders.js';
import type { RefundedLine, ShopShipment } from './shop-status-events.js';
import type { ProductNotInShop } from './product-not-in-shop.js';
import type { StockDecrementFailureCode } from './stock-decrement-failure.js';
import type { StockShortfallLine } from './stock-shortfall.js';

export type ImportState =
  | { readonly status: 'not_seen' }
  | { readonly status: 'ignored'; readonly code: ImportIgnoreCode; readonly message: string; readonly at: string }
  | {
      readonly status: 'not_imported';
      readonly generation: number;
      readonly kind: ImportFailureKind;
      readonly failures: readonly ImportFailure[];
      readonly attempt: number;
      readonly nextAttemptAt: string | null;
      readonly parked: boolean;
      readonly configurationRevision: string | null;
      readonly at: string;
    }
  | {
      readonly status: 'imported';
      readonly generation: number;
      readonly at: string;
      /** A re-import of this imported order that did not go through; the current shop orders stay. */
      readonly lastReimportFailure: {
        readonly generation: number;
        readonly failures: readonly ImportFailure[];
        readonly at: string;
      } | null;
    };

export interface PendingImport {
  readonly plan: ShopOrderPlan;
  readonly trigger: ImportTrigger;
  readonly at: string;
}

export interface ShopOrderRecord extends CreatedShopOrder {
  readonly generation: number;
  /** Replaced orders were moved to "technical error" by a re-import and must not trigger actions. */
  readonly status: 'active' | 'replaced';
}

export type StockState =
  | { readonly status: 'none' }
  | {
      readonly status: 'pending';
      readonly plan: StockDecrementPlan;
      /** Operator retries asked after failures; absent (0) while it is the import's own try. */
      readonly retries?: number;
    }
  | {
      readonly status: 'failed';
      readonly plan: StockDecrementPlan;
      readonly code: StockDecrementFailureCode;
      readonly message: string;
      readonly shortfall: readonly StockShortfallLine[];
      /** `PRODUCT_NOT_IN_SHOP` only, as its event has it. */
      readonly products?: readonly ProductNotInShop[];
      readonly retries: number;
      readonly at: string;
    }
  | { readonly status: 'done'; readonly plan: StockDecrementPlan; readonly at: string };

export interface MoiRequest {
  readonly key: string;
  readonly purpose: 'import' | 'resynchronisation';
  readonly merchantOrderIds: readonly string[];
  readonly status: 'pending' | 'sent' | 'failed';
  readonly message: string | null;
  readonly requestedAt: string;
  readonly at: string | null;
}

interface ShopChangeBase {
  readonly changeId: string;
  readonly shopOrderId: string;
  readonly at: string;
}

/** The merchant's cancel or refund reason; null when none was given (and on changes recorded before it was kept). */
interface MerchantReason {
  readonly reason: string | null;
}

export type ShopChange =
  | (ShopChangeBase & { readonly kind: 'shipped' } & ShopShipment)
  | (ShopChangeBase & MerchantReason & { readonly kind: 'canceled' })
  | (ShopChangeBase & MerchantReason & { readonly kind: 'refunded' })
  | (ShopChangeBase & MerchantReason & { readonly kind: 'line_refunded'; readonly lines: readonly RefundedLine[] });

export type AttemptStatus = 'requested' | 'sent' | 'confirmed' | 'rejected' | 'timed_out' | 'closed_by_status';

export interface ActionAttempt {
  readonly attemptKey: string;
  readonly line: string | null;
  readonly arguments: Readonly<Record<string, string>>;
  readonly status: AttemptStatus;
  readonly lengowActionId: string | null;
  readonly via: 'posted' | 'adopted' | null;
  readonly sentAt: string | null;
  /** Consecutive transient POST failures. */
  readonly sendFailures: number;
  readonly nextSendAt: string | null;
  readonly failures: readonly ActionFailure[];
  readonly finishedAt: string | null;
}

export interface ActionTry {
  readonly tryKey: string;
  readonly tryNumber: number;
  readonly at: string;
  /** Refused by our own checks: nothing was posted. */
  readonly engineRejection: readonly ActionFailure[] | null;
  /** A finishing Lengow status closed this try's engine rejection. */
  readonly closedByStatus: boolean;
  readonly attempts: readonly ActionAttempt[];
}

export interface ActionRequest {
  readonly requestKey: string;
  readonly actionType: ActionType;
  readonly sequence: number;
  readonly shopOrderId: string;
  readonly changeId: string;
  readonly scope: ActionScope;
  /** Choices of the latest try. */
  readonly choices: Readonly<Record<string, string>>;
  readonly requestedAt: string;
  readonly tries: readonly ActionTry[];
}

/** Everything decisions need about one marketplace order, folded from its stream. */
export interface OrderState {
  readonly orderKey: OrderKey | null;
  readonly marketplaceStatus: string | null;
  readonly lengowStatus: string | null;
  readonly import: ImportState;
  readonly pendingImport: PendingImport | null;
  /** Generation of the current shop orders, 0 before the first creation. */
  readonly generation: number;
  readonly shippedByMarketplace: boolean;
  readonly shopOrders: readonly ShopOrderRecord[];
  readonly stock: StockState;
  readonly moi: readonly MoiRequest[];
  readonly shopChanges: readonly ShopChange[];
  readonly actionRequests: readonly ActionRequest[];
}

export function initialState(): OrderState {
  return {
    orderKey: null,
    marketplaceStatus: null,
    lengowStatus: null,
    import: { status: 'not_seen' },
    pendingImport: null,
    generation: 0,
    shippedByMarketplace: false,
    shopOrders: [],
    stock: { status: 'none' },
    moi: [],
    shopChanges: [],
    actionRequests: [],
  };
}

export function activeShopOrders(state: OrderState): ShopOrderRecord[] {
  return state.shopOrders.filter((order) => order.status === 'active');
}
