import { isFailedAttempt, latestRequests, latestTry, tryOutcome } from './action-lifecycle.js';
import { actionTryEvents, latestShipment, scopeLines } from './action-try-events.js';
import { requireImported } from './command-guards.js';
import { parseInstant, toIso } from './instant.js';
import { ACTION_TYPES, type ActionType } from './marketplace-definition.js';
import type { ResendAction } from './order-commands.js';
import { OrderDomainError } from './order-domain-error.js';
import type { OrderEvent } from './order-events.js';
import type { ActionRequest, ActionTry, OrderState } from './order-state.js';

/** Lines to send again: all of them after a refusal before sending, else only the lines whose attempt failed. */
function linesToResend(request: ActionRequest, lastTry: ActionTry, allLines: string[]): string[] {
  if (lastTry.engineRejection !== null) return allLines;
  const failed = lastTry.attempts.filter(isFailedAttempt);
  if (failed.some((attempt) => attempt.line === null)) return allLines;
  return failed.map((attempt) => attempt.line).filter((line): line is string => line !== null);
}

/**
 * The only way a failed action is posted again (lengow-api.md §13 #7: no automatic re-send loop). It applies to the
 * latest request of a type (per shop order) whose latest try failed (refused, timed out, or refused by our checks), and makes a new try
 * with a new attempt key and freshly built arguments, so what the merchant fixed meanwhile is used.
 */
export function decideResendAction(command: ResendAction, state: OrderState): OrderEvent[] {
  const { data } = command;
  const at = toIso(parseInstant(data.now));
  requireImported(state, data.orderKey);
  const types: readonly ActionType[] = data.actionType ? [data.actionType] : ACTION_TYPES;
  const latest = types.flatMap((type) => latestRequests(state, type));
  const failed = latest.filter((request) => {
    const last = latestTry(request);
    return last !== undefined && tryOutcome(last) === 'failed';
  });
  if (failed.length === 0) {
    if (latest.some((request) => latestTry(request) !== undefined && tryOutcome(latestTry(request)!) === 'open')) {
      throw new OrderDomainError('ACTION_STILL_OPEN', 'the last action is still waiting for its outcome');
    }
    throw new OrderDomainError('NO_FAILED_ACTION', 'there is no failed action to send again');
  }
  const request = failed.reduce((newest, candidate) =>
    state.actionRequests.indexOf(candidate) > state.actionRequests.indexOf(newest) ? candidate : newest,
  );
  const lastTry = latestTry(request)!;
  const shopOrder = state.shopOrders.find((order) => order.shopOrderId === request.shopOrderId);
  if (!shopOrder)
    throw new OrderDomainError(
      'SHOP_ORDER_NOT_FOUND',
      `shop order ${request.shopOrderId} does not belong to this order`,
    );
  if (shopOrder.status === 'replaced')
    throw new OrderDomainError(
      'SHOP_ORDER_REPLACED',
      `shop order ${shopOrder.shopOrderId} was replaced by a re-import`,
    );

  return actionTryEvents(
    state,
    {
      actionType: request.actionType,
      requestKey: request.requestKey,
      sequence: request.sequence,
      tryNumber: lastTry.tryNumber + 1,
      shopOrder,
      changeId: request.changeId,
      scope: request.scope,
      lines: linesToResend(request, lastTry, scopeLines(shopOrder, request.scope)),
      definition: data.definition,
      carrierMapping: data.carrierMapping,
      choices: { ...request.choices, ...(data.choices ?? {}) },
      at,
    },
    latestShipment(state, shopOrder.shopOrderId),
  );
}
