import type { ActionScope, ActionTryData } from './action-events.js';
import { latestTry, tryOutcome } from './action-lifecycle.js';
import { buildActionArguments, type ActionShipment } from './build-action-arguments.js';
import type { CarrierMappingView } from './carrier-mapping.js';
import { idempotencyKeys } from './idempotency-keys.js';
import { lengowStatusOf } from './lengow-status.js';
import type { ActionType, MarketplaceDefinition } from './marketplace-definition.js';
import { orderEvent, type OrderEvent } from './order-events.js';
import type { OrderState, ShopChange, ShopOrderRecord } from './order-state.js';

export interface ActionTryInput {
  readonly actionType: ActionType;
  readonly requestKey: string;
  readonly sequence: number;
  readonly tryNumber: number;
  readonly shopOrder: ShopOrderRecord;
  readonly changeId: string;
  readonly scope: ActionScope;
  /** Marketplace lines to act on; all lines of the scope when the whole try is (re)done. */
  readonly lines: readonly string[];
  readonly definition: MarketplaceDefinition;
  readonly carrierMapping: CarrierMappingView;
  readonly choices: Readonly<Record<string, string>>;
  readonly at: string;
}

/** Lengow status now, read through the command's definition so a refreshed status table applies at once. */
export function currentLengowStatus(state: OrderState, definition: MarketplaceDefinition): string | null {
  return lengowStatusOf(definition.statusTable, state.marketplaceStatus) ?? state.lengowStatus;
}

export function scopeLines(shopOrder: ShopOrderRecord, scope: ActionScope): string[] {
  if (scope.kind === 'lines') return scope.lines.map((line) => line.marketplaceLineId);
  return shopOrder.lines.flatMap((line) => line.sourceLines.map((source) => source.marketplaceLineId));
}

/** Units ordered per marketplace line of the shop order. */
function orderedQuantities(shopOrder: ShopOrderRecord): Record<string, number> {
  const ordered: Record<string, number> = {};
  for (const source of shopOrder.lines.flatMap((line) => line.sourceLines))
    ordered[source.marketplaceLineId] = (ordered[source.marketplaceLineId] ?? 0) + source.quantity;
  return ordered;
}

/** Lengow statuses an order leaves once the marketplace took its shipment. */
const BEFORE_SHIPMENT = new Set(['new', 'waiting_acceptance', 'accepted', 'waiting_shipment']);

/**
 * The status an action is checked against: the one last polled, but `shipped` once Lengow confirmed a ship of the order
 * since. A refund asked right after the ship went through would otherwise be refused against the status of the poll
 * before it ("refund action not available for this order_state: waiting_shipment") until the next poll.
 */
function statusBeforeAction(state: OrderState, definition: MarketplaceDefinition): string | null {
  const polled = currentLengowStatus(state, definition);
  if (polled !== null && !BEFORE_SHIPMENT.has(polled)) return polled;
  const shipConfirmed = state.actionRequests.some((request) => {
    if (request.actionType !== 'ship') return false;
    const last = latestTry(request);
    return last !== undefined && tryOutcome(last) === 'done';
  });
  return shipConfirmed ? 'shipped' : polled;
}

/** The latest shipment recorded for the shop order: what ship reports, and return data for refunds. */
export function latestShipment(state: OrderState, shopOrderId: string): ActionShipment | null {
  const shipped = [...state.shopChanges]
    .reverse()
    .find(
      (change): change is Extract<ShopChange, { kind: 'shipped' }> =>
        change.kind === 'shipped' && change.shopOrderId === shopOrderId,
    );
  return shipped ?? null;
}

/** One try of an action: the intent to post, or a refusal by our own checks with every reason (nothing is posted). */
export function actionTryEvents(
  state: OrderState,
  input: ActionTryInput,
  shipment: ActionShipment | null,
): OrderEvent[] {
  const tryKey = idempotencyKeys.actionTry(input.requestKey, input.tryNumber);
  const base: ActionTryData = {
    actionType: input.actionType,
    requestKey: input.requestKey,
    sequence: input.sequence,
    tryKey,
    tryNumber: input.tryNumber,
    shopOrderId: input.shopOrder.shopOrderId,
    changeId: input.changeId,
    scope: input.scope,
    choices: input.choices,
  };
  const lineQuantities =
    input.scope.kind === 'lines'
      ? Object.fromEntries(input.scope.lines.map((line) => [line.marketplaceLineId, line.quantity]))
      : {};
  const built = buildActionArguments({
    actionType: input.actionType,
    definition: input.definition,
    lengowStatus: statusBeforeAction(state, input.definition),
    order: {
      marketplaceCarrier: input.shopOrder.tracking?.carrier ?? null,
      shippingMethod: input.shopOrder.tracking?.method ?? null,
      deliveryCountry: input.shopOrder.deliveryAddress.countryIso2,
      shippingAmount: input.shopOrder.amounts.shipping,
      lines: input.lines,
      lineQuantities,
      orderedQuantities: orderedQuantities(input.shopOrder),
    },
    shipment,
    carrierMapping: input.carrierMapping,
    choices: input.choices,
    now: input.at,
  });
  if (!built.ok)
    return [orderEvent('ActionRejected', { ...base, source: 'engine', failures: built.failures, at: input.at })];
  const actions = built.actions.map((action) => ({
    ...action,
    attemptKey: idempotencyKeys.actionAttempt(tryKey, action.line),
  }));
  return [orderEvent('ActionRequested', { ...base, actions, at: input.at })];
}
