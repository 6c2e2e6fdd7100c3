import { actionTargetReached, latestRequests, latestTry, tryOutcome } from './action-lifecycle.js';
import type { ImportIgnoreCode } from './import-events.js';
import { quoted } from './import-failure.js';
import { isFinishingStatus } from './lengow-status.js';
import { ACTION_TYPES, type ActionType } from './marketplace-definition.js';
import { activeShopOrders, type ActionRequest, type OrderState } from './order-state.js';
import type { StockDecrementFailureCode } from './stock-decrement-failure.js';

export type ImportSummary =
  | { readonly status: 'not_seen' }
  | { readonly status: 'importing'; readonly since: string }
  | { readonly status: 'imported'; readonly generation: number; readonly reimportFailure: readonly string[] | null }
  | {
      readonly status: 'not_imported';
      readonly messages: readonly string[];
      /** `automatic`: a poll retries after `nextAttemptAt`; `after_fix`: waits for a re-import or a configuration change. */
      readonly retry: 'automatic' | 'after_fix';
      readonly nextAttemptAt: string | null;
    }
  | { readonly status: 'ignored'; readonly code: ImportIgnoreCode; readonly reason: string };

/** "Not shipped"/"Not canceled"/"Not refunded" in the back office is `failed` with its messages. */
export type ActionSummary =
  | { readonly status: 'none' }
  | { readonly status: 'waiting'; readonly since: string }
  | { readonly status: 'done' }
  | { readonly status: 'failed'; readonly messages: readonly string[] }
  | { readonly status: 'closed' };

/**
 * The order's stock decrement: `pending` until the shop took the units (or while an operator retry runs), `failed`
 * when the shop refused it and nothing was taken ("stock not decremented": `code` says what the operator must fix),
 * `none` when nothing is to take.
 */
export type StockSummary =
  | { readonly status: 'none' | 'pending' | 'done' }
  | {
      readonly status: 'failed';
      readonly code: StockDecrementFailureCode;
      readonly messages: readonly string[];
      readonly since: string;
    };

export interface OrderSummary {
  readonly import: ImportSummary;
  readonly stock: StockSummary;
  readonly actions: Readonly<Record<ActionType, ActionSummary>>;
  readonly shopOrderIds: readonly string[];
  readonly marketplaceStatus: string | null;
  readonly lengowStatus: string | null;
  /** Closed once Lengow reports a finishing status, or when the marketplace ships the order itself and nothing is created. */
  readonly progress: 'in_progress' | 'closed';
}

function summariseImport(state: OrderState): ImportSummary {
  const current = state.import;
  if (state.pendingImport && current.status !== 'imported')
    return { status: 'importing', since: state.pendingImport.at };
  switch (current.status) {
    case 'not_seen':
      return { status: 'not_seen' };
    case 'ignored':
      return { status: 'ignored', code: current.code, reason: current.message };
    case 'imported':
      return {
        status: 'imported',
        generation: current.generation,
        reimportFailure: current.lastReimportFailure?.failures.map((failure) => failure.message) ?? null,
      };
    case 'not_imported':
      return {
        status: 'not_imported',
        messages: current.failures.map((failure) => failure.message),
        retry: current.kind === 'transient' && !current.parked ? 'automatic' : 'after_fix',
        nextAttemptAt: current.nextAttemptAt,
      };
  }
}

function summariseStock(state: OrderState): StockSummary {
  const { stock } = state;
  if (stock.status === 'failed')
    return { status: 'failed', code: stock.code, messages: [stock.message], since: stock.at };
  return { status: stock.status };
}

function summariseRequest(request: ActionRequest, lengowStatus: string | null): ActionSummary {
  const last = latestTry(request);
  if (!last) return { status: 'none' };
  switch (tryOutcome(last)) {
    case 'open':
      return { status: 'waiting', since: last.at };
    case 'done':
      return { status: 'done' };
    case 'closed':
      // Closed by a finishing status that is what the action asked for (e.g. cancel, then Lengow says canceled; a
      // refund of some lines closed by `refunding`, then Lengow says partial_refunded).
      return actionTargetReached(request.actionType, lengowStatus, request.scope.kind)
        ? { status: 'done' }
        : { status: 'closed' };
    case 'failed': {
      const failures =
        last.engineRejection ??
        last.attempts.flatMap((attempt) =>
          attempt.status === 'rejected' || attempt.status === 'timed_out' ? attempt.failures : [],
        );
      return { status: 'failed', messages: [...new Set(failures.map((failure) => failure.message))] };
    }
  }
}

/** One state per action type over all shop orders: a failure shows first, then anything waiting, then done. */
function summariseAction(requests: readonly ActionRequest[], lengowStatus: string | null): ActionSummary {
  const summaries = requests.map((request) => summariseRequest(request, lengowStatus));
  const failed = summaries.filter((summary) => summary.status === 'failed');
  if (failed.length > 0)
    return { status: 'failed', messages: [...new Set(failed.flatMap((summary) => summary.messages))] };
  const waiting = summaries.find((summary) => summary.status === 'waiting');
  if (waiting) return waiting;
  if (summaries.some((summary) => summary.status === 'done')) return { status: 'done' };
  return summaries.length > 0 ? { status: 'closed' } : { status: 'none' };
}

/**
 * A status as Lengow sent it, for display: the state keeps it raw (status changes compare it with the next copy), but
 * the overview stores it in a text column, which PostgreSQL refuses with a NUL in it, and a dashboard shows it. Escaped
 * and bounded as the reasons quote it, so the row and the ignore reason show the same value.
 */
const shownStatus = (status: string | null): string | null => (typeof status === 'string' ? quoted(status) : status);

/** What the order overview shows for one order, derived from its state only. */
export function summariseOrder(state: OrderState): OrderSummary {
  const actions = Object.fromEntries(
    ACTION_TYPES.map((type) => [type, summariseAction(latestRequests(state, type), state.lengowStatus)]),
  ) as Record<ActionType, ActionSummary>;
  const closed =
    isFinishingStatus(state.lengowStatus) ||
    (state.import.status === 'ignored' && state.import.code === 'SHIPPED_BY_MARKETPLACE');
  return {
    import: summariseImport(state),
    stock: summariseStock(state),
    actions,
    shopOrderIds: activeShopOrders(state).map((order) => order.shopOrderId),
    marketplaceStatus: shownStatus(state.marketplaceStatus),
    lengowStatus: shownStatus(state.lengowStatus),
    progress: closed ? 'closed' : 'in_progress',
  };
}
