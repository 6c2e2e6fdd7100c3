import type { ActionRequested, ActionTryData } from './action-events.js';
import type { OrderImported, OrderReimported } from './import-events.js';
import type { OrderEvent } from './order-events.js';
import type { ActionAttempt, ActionRequest, ActionTry, MoiRequest, OrderState, ShopChange } from './order-state.js';

type AttemptUpdate = (attempt: ActionAttempt) => ActionAttempt;

function updateAttempts(
  state: OrderState,
  matches: (attempt: ActionAttempt) => boolean,
  update: AttemptUpdate,
): OrderState {
  return {
    ...state,
    actionRequests: state.actionRequests.map((request) => ({
      ...request,
      tries: request.tries.map((actionTry) => ({
        ...actionTry,
        attempts: actionTry.attempts.map((attempt) => (matches(attempt) ? update(attempt) : attempt)),
      })),
    })),
  };
}

const updateAttempt = (state: OrderState, attemptKey: string, update: AttemptUpdate) =>
  updateAttempts(state, (attempt) => attempt.attemptKey === attemptKey, update);

function updateMoi(state: OrderState, key: string, update: (request: MoiRequest) => MoiRequest): OrderState {
  return { ...state, moi: state.moi.map((request) => (request.key === key ? update(request) : request)) };
}

/** Adds a try to its request (creating the request on its first try); a try already folded is not added twice. */
function addTry(
  state: OrderState,
  data: ActionTryData & { readonly at: string },
  attempts: readonly ActionAttempt[],
  engineRejection: ActionTry['engineRejection'],
): OrderState {
  const exists = state.actionRequests.some((request) =>
    request.tries.some((actionTry) => actionTry.tryKey === data.tryKey),
  );
  if (exists) return state;
  const actionTry: ActionTry = {
    tryKey: data.tryKey,
    tryNumber: data.tryNumber,
    at: data.at,
    engineRejection,
    closedByStatus: false,
    attempts,
  };
  if (state.actionRequests.some((request) => request.requestKey === data.requestKey)) {
    return {
      ...state,
      actionRequests: state.actionRequests.map((request) =>
        request.requestKey === data.requestKey
          ? { ...request, choices: data.choices ?? request.choices, tries: [...request.tries, actionTry] }
          : request,
      ),
    };
  }
  const request: ActionRequest = {
    requestKey: data.requestKey,
    actionType: data.actionType,
    sequence: data.sequence,
    shopOrderId: data.shopOrderId,
    changeId: data.changeId,
    scope: data.scope,
    choices: data.choices ?? {},
    requestedAt: data.at,
    tries: [actionTry],
  };
  return { ...state, actionRequests: [...state.actionRequests, request] };
}

function requestedAttempts(event: ActionRequested): ActionAttempt[] {
  return event.data.actions.map((action) => ({
    attemptKey: action.attemptKey,
    line: action.line,
    arguments: action.arguments,
    status: 'requested',
    lengowActionId: null,
    via: null,
    sentAt: null,
    sendFailures: 0,
    nextSendAt: null,
    failures: [],
    finishedAt: null,
  }));
}

function imported(state: OrderState, event: OrderImported | OrderReimported): OrderState {
  const { data } = event;
  if (state.shopOrders.some((order) => order.generation === data.generation)) return state;
  const stockPlan = event.type === 'OrderImported' ? event.data.stockDecrement : null;
  const moi: MoiRequest = {
    key: data.merchantOrderIds.key,
    purpose: 'import',
    merchantOrderIds: data.merchantOrderIds.ids,
    status: 'pending',
    message: null,
    requestedAt: data.at,
    at: null,
  };
  return {
    ...state,
    orderKey: state.orderKey ?? data.orderKey,
    marketplaceStatus: data.marketplaceStatus,
    lengowStatus: data.lengowStatus,
    import: { status: 'imported', generation: data.generation, at: data.at, lastReimportFailure: null },
    pendingImport: null,
    generation: data.generation,
    shippedByMarketplace: data.shippedByMarketplace,
    shopOrders: [
      ...state.shopOrders.map((order) => ({ ...order, status: 'replaced' as const })),
      ...data.shopOrders.map((order) => ({ ...order, generation: data.generation, status: 'active' as const })),
    ],
    stock: stockPlan && state.stock.status === 'none' ? { status: 'pending', plan: stockPlan } : state.stock,
    moi: [...state.moi, moi],
  };
}

function shopChange(state: OrderState, change: ShopChange): OrderState {
  if (state.shopChanges.some((known) => known.changeId === change.changeId)) return state;
  return { ...state, shopChanges: [...state.shopChanges, change] };
}

/**
 * Folds one event into the state. Total: it never throws, and an event that refers to something the state does not
 * know (or was already applied) leaves the state as it is, so replays and partial histories stay safe.
 */
export function evolve(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'OrderImportIgnored': {
      const { data } = event;
      const base = {
        ...state,
        orderKey: state.orderKey ?? data.orderKey,
        marketplaceStatus: data.marketplaceStatus,
        lengowStatus: data.lengowStatus,
      };
      if (state.import.status === 'imported') return base;
      return { ...base, import: { status: 'ignored', code: data.code, message: data.message, at: data.at } };
    }
    case 'OrderImportPlanned': {
      const { data } = event;
      return {
        ...state,
        orderKey: state.orderKey ?? data.orderKey,
        marketplaceStatus: data.plan.marketplaceStatus,
        lengowStatus: data.plan.lengowStatus,
        pendingImport: { plan: data.plan, trigger: data.trigger, at: data.at },
      };
    }
    case 'OrderImportFailed': {
      const { data } = event;
      const base: OrderState = {
        ...state,
        orderKey: state.orderKey ?? data.orderKey,
        marketplaceStatus: data.marketplaceStatus ?? state.marketplaceStatus,
        lengowStatus: data.lengowStatus ?? state.lengowStatus,
        pendingImport: null,
      };
      if (state.import.status === 'imported') {
        return {
          ...base,
          import: {
            ...state.import,
            lastReimportFailure: { generation: data.generation, failures: data.failures, at: data.at },
          },
        };
      }
      return {
        ...base,
        import: {
          status: 'not_imported',
          generation: data.generation,
          kind: data.kind,
          failures: data.failures,
          attempt: data.attempt,
          nextAttemptAt: data.nextAttemptAt,
          parked: data.parked,
          configurationRevision: data.configurationRevision,
          at: data.at,
        },
      };
    }
    case 'OrderImported':
    case 'OrderReimported':
      return imported(state, event);
    case 'StockDecremented':
      return {
        ...state,
        stock: { status: 'done', plan: { key: event.data.key, lines: event.data.lines }, at: event.data.at },
      };
    case 'StockDecrementFailed': {
      const { stock } = state;
      if ((stock.status !== 'pending' && stock.status !== 'failed') || stock.plan.key !== event.data.key) return state;
      const { code, message, shortfall, products, at } = event.data;
      const retries = stock.retries ?? 0;
      // Only what the event has: a shortfall's state stays exactly what it was before other codes existed.
      return {
        ...state,
        stock: {
          status: 'failed',
          plan: stock.plan,
          code,
          message,
          shortfall,
          ...(products && { products }),
          retries,
          at,
        },
      };
    }
    case 'StockDecrementRetryRequested': {
      const { stock } = state;
      if (stock.status !== 'failed' || stock.plan.key !== event.data.key) return state;
      return { ...state, stock: { status: 'pending', plan: stock.plan, retries: event.data.retry } };
    }
    case 'OrderResynchronisationRequested': {
      const { data } = event;
      if (state.moi.some((request) => request.key === data.key)) return state;
      const request: MoiRequest = {
        key: data.key,
        purpose: 'resynchronisation',
        merchantOrderIds: data.merchantOrderIds,
        status: 'pending',
        message: null,
        requestedAt: data.at,
        at: null,
      };
      return { ...state, moi: [...state.moi, request] };
    }
    case 'MerchantOrderIdsSent':
    case 'OrderResynchronised':
      return updateMoi(state, event.data.key, (request) => ({
        ...request,
        status: 'sent',
        message: null,
        at: event.data.at,
      }));
    case 'MerchantOrderIdsFailed':
      return updateMoi(state, event.data.key, (request) => ({
        ...request,
        status: 'failed',
        message: event.data.message,
        at: event.data.at,
      }));
    case 'LengowStatusChanged': {
      const { data } = event;
      const closed = new Set(data.closedKeys ?? []);
      const withStatus = { ...state, marketplaceStatus: data.marketplaceStatus, lengowStatus: data.lengowStatus };
      if (closed.size === 0) return withStatus;
      const closedAttempts = updateAttempts(
        withStatus,
        (attempt) => closed.has(attempt.attemptKey),
        (attempt) => ({
          ...attempt,
          status: 'closed_by_status',
          finishedAt: attempt.finishedAt ?? data.at,
        }),
      );
      return {
        ...closedAttempts,
        actionRequests: closedAttempts.actionRequests.map((request) => ({
          ...request,
          tries: request.tries.map((actionTry) =>
            closed.has(actionTry.tryKey) ? { ...actionTry, closedByStatus: true } : actionTry,
          ),
        })),
      };
    }
    case 'ShopOrderShipped':
      return shopChange(state, { kind: 'shipped', ...event.data });
    case 'ShopOrderCanceled':
      return shopChange(state, { kind: 'canceled', ...event.data, reason: event.data.reason ?? null });
    case 'ShopOrderRefunded':
      return shopChange(state, { kind: 'refunded', ...event.data, reason: event.data.reason ?? null });
    case 'ShopOrderLineRefunded':
      return shopChange(state, { kind: 'line_refunded', ...event.data, reason: event.data.reason ?? null });
    case 'ActionRequested':
      return addTry(state, event.data, requestedAttempts(event), null);
    case 'ActionRejected': {
      const { data } = event;
      if (data.source === 'engine') return addTry(state, data, [], data.failures);
      return updateAttempt(state, data.attemptKey, (attempt) => ({
        ...attempt,
        status: 'rejected',
        failures: data.failures,
        nextSendAt: null,
        finishedAt: data.at,
      }));
    }
    case 'ActionSent': {
      const { data } = event;
      return updateAttempt(state, data.attemptKey, (attempt) => ({
        ...attempt,
        status: attempt.status === 'requested' ? 'sent' : attempt.status,
        lengowActionId: data.lengowActionId,
        via: data.via,
        sentAt: data.at,
        nextSendAt: null,
      }));
    }
    case 'ActionSendFailed': {
      const { data } = event;
      return updateAttempt(state, data.attemptKey, (attempt) => ({
        ...attempt,
        sendFailures: data.sendFailures,
        nextSendAt: data.nextAttemptAt,
        failures: [data.failure],
      }));
    }
    case 'ActionConfirmed':
      return updateAttempt(state, event.data.attemptKey, (attempt) => ({
        ...attempt,
        status: 'confirmed',
        failures: [],
        finishedAt: event.data.at,
      }));
    case 'ActionTimedOut':
      return updateAttempt(state, event.data.attemptKey, (attempt) => ({
        ...attempt,
        status: 'timed_out',
        failures: [event.data.failure],
        finishedAt: event.data.at,
      }));
    default:
      return state;
  }
}
