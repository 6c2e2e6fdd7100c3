import { actionTargetReached, latestTry, tryOutcome } from './action-lifecycle.js';
import type { ActionScope } from './action-events.js';
import { actionTryEvents, currentLengowStatus, latestShipment, scopeLines } from './action-try-events.js';
import { requireImported, requireText } from './command-guards.js';
import { idempotencyKeys } from './idempotency-keys.js';
import { parseInstant, toIso } from './instant.js';
import type { ActionType } from './marketplace-definition.js';
import type { RequestCancel, RequestRefund, RequestShip } from './order-commands.js';
import { OrderDomainError } from './order-domain-error.js';
import type { OrderEvent } from './order-events.js';
import type { OrderState, ShopChange } from './order-state.js';

const TRIGGERS: Readonly<Record<ActionType, readonly ShopChange['kind'][]>> = {
  ship: ['shipped'],
  cancel: ['canceled'],
  refund: ['refunded', 'line_refunded'],
};

/**
 * Turns a recorded shop change into a Lengow action request (lengow-api.md §11 "Triggers"). One request per shop change
 * and action type (asking again for the same change is a no-op); nothing is asked when the marketplace already is where
 * the action would take it; arguments are built and checked now, so a refusal is recorded instead of a doomed call.
 */
export function decideRequestAction(
  command: RequestShip | RequestCancel | RequestRefund,
  state: OrderState,
): OrderEvent[] {
  const actionType: ActionType =
    command.type === 'RequestShip' ? 'ship' : command.type === 'RequestCancel' ? 'cancel' : 'refund';
  const { data } = command;
  const at = toIso(parseInstant(data.now));
  const orderKey = requireImported(state, data.orderKey);
  const changeId = requireText(data.changeId, 'changeId');

  const change = state.shopChanges.find((candidate) => candidate.changeId === changeId);
  if (!change)
    throw new OrderDomainError('SHOP_CHANGE_NOT_FOUND', `shop change ${changeId} is not recorded on this order`);
  if (!TRIGGERS[actionType].includes(change.kind)) {
    throw new OrderDomainError(
      'SHOP_CHANGE_KIND_MISMATCH',
      `shop change ${changeId} (${change.kind}) does not call for a ${actionType} action`,
    );
  }
  const shopOrder = state.shopOrders.find((order) => order.shopOrderId === change.shopOrderId);
  if (!shopOrder)
    throw new OrderDomainError(
      'SHOP_ORDER_NOT_FOUND',
      `shop order ${change.shopOrderId} does not belong to this order`,
    );
  if (shopOrder.status === 'replaced')
    throw new OrderDomainError(
      'SHOP_ORDER_REPLACED',
      `shop order ${shopOrder.shopOrderId} was replaced by a re-import`,
    );
  if (state.actionRequests.some((request) => request.actionType === actionType && request.changeId === changeId))
    return [];
  if (actionType === 'ship' && state.shippedByMarketplace) {
    throw new OrderDomainError(
      'ACTION_NOT_APPLICABLE',
      'the marketplace ships this order itself: there is nothing to report',
    );
  }
  // Already where the action would take it: nothing to ask, but for a corrected tracking number on a shipped order.
  const reached = actionTargetReached(actionType, currentLengowStatus(state, data.definition));
  if (reached && !correctsTracking(state, change)) return [];
  if (repeatsPendingOrDoneRequest(state, actionType, change)) return [];

  const scope: ActionScope =
    change.kind === 'line_refunded' ? { kind: 'lines', lines: change.lines } : { kind: 'order' };
  const sequence = state.actionRequests.filter((request) => request.actionType === actionType).length + 1;
  const shipment = change.kind === 'shipped' ? change : latestShipment(state, shopOrder.shopOrderId);
  return actionTryEvents(
    state,
    {
      actionType,
      requestKey: idempotencyKeys.actionRequest(orderKey, actionType, sequence),
      sequence,
      tryNumber: 1,
      shopOrder,
      changeId,
      scope,
      lines: scopeLines(shopOrder, scope),
      definition: data.definition,
      carrierMapping: data.carrierMapping,
      choices: data.choices ?? {},
      at,
    },
    shipment,
  );
}

/**
 * A shipment of a shop order whose earlier shipment was reported to Lengow under another tracking number: the merchant
 * corrected the number, and the plugins send `ship` again for it although the order already is shipped (lengow-api.md
 * §11, "Saving a tracking number on a shipped order sends ship again"), or the buyer keeps the wrong one. Only a
 * correction: a shop order shipped for the first time on an order the marketplace already has as shipped asks nothing.
 */
function correctsTracking(state: OrderState, change: ShopChange): boolean {
  if (change.kind !== 'shipped' || !change.trackingNumber?.trim()) return false;
  const previous = lastReported(state, 'ship', change.shopOrderId)?.change;
  return previous?.kind === 'shipped' && previous.trackingNumber?.trim() !== change.trackingNumber.trim();
}

/** The latest request of this type for the shop order, with the shop change it reported. */
function lastReported(state: OrderState, actionType: ActionType, shopOrderId: string) {
  const request = state.actionRequests
    .filter((candidate) => candidate.actionType === actionType && candidate.shopOrderId === shopOrderId)
    .at(-1);
  if (!request) return undefined;
  return { request, change: state.shopChanges.find((candidate) => candidate.changeId === request.changeId) };
}

/**
 * The same shop change reported again (an external shop saving the shipment twice, a cancel sent by two systems) while
 * the action for the first one is still waiting at Lengow, or after Lengow took it. Asking again would post a second,
 * identical action: Lengow's queue check holds it back while the first is queued, then it goes out once the first is
 * processed and the marketplace refuses it ("not allowed for an order in status shipped"), leaving a "Not shipped" on
 * an order that shipped. A line refund is never a repeat: refunding the same line twice is two refunds. After a
 * failure the repeat is a new try, as the plugins send again whatever the merchant saves.
 */
function repeatsPendingOrDoneRequest(state: OrderState, actionType: ActionType, change: ShopChange): boolean {
  if (change.kind === 'line_refunded') return false;
  const last = lastReported(state, actionType, change.shopOrderId);
  const lastTry = last && latestTry(last.request);
  if (!lastTry) return false;
  const outcome = tryOutcome(lastTry);
  if (outcome !== 'open' && outcome !== 'done') return false;
  const previous = last.change;
  if (previous?.kind !== change.kind) return false;
  if (previous.kind !== 'shipped' || change.kind !== 'shipped') return true;
  const same = (a: string | null | undefined, b: string | null | undefined) => (a?.trim() ?? '') === (b?.trim() ?? '');
  return (
    previous.carrier?.id === change.carrier?.id &&
    same(previous.trackingNumber, change.trackingNumber) &&
    same(previous.returnTrackingNumber, change.returnTrackingNumber)
  );
}
