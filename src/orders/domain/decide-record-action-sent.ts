import { findAttempt } from './action-lifecycle.js';
import { requireImported, requireText } from './command-guards.js';
import { parseInstant, toIso } from './instant.js';
import type { RecordActionSent } from './order-commands.js';
import { OrderDomainError } from './order-domain-error.js';
import { orderEvent, type OrderEvent } from './order-events.js';
import type { OrderState } from './order-state.js';

/**
 * Lengow gave the attempt an action id, because we posted it or because the duplicate guard found it already queued
 * (`adopted`). Recording the same id again is a no-op; another id for the same attempt means two actions exist.
 */
export function decideRecordActionSent(command: RecordActionSent, state: OrderState): OrderEvent[] {
  const { data } = command;
  const at = toIso(parseInstant(data.now));
  requireImported(state, data.orderKey);
  const lengowActionId = requireText(data.lengowActionId, 'lengowActionId');
  const located = findAttempt(state, data.attemptKey);
  if (!located)
    throw new OrderDomainError('ACTION_NOT_FOUND', `no action attempt ${String(data.attemptKey)} on this order`);
  const { attempt, request } = located;
  if (attempt.lengowActionId !== null) {
    if (attempt.lengowActionId === lengowActionId) return [];
    throw new OrderDomainError(
      'ACTION_ID_CONFLICT',
      `attempt ${attempt.attemptKey} is already Lengow action ${attempt.lengowActionId}`,
    );
  }
  if (attempt.status !== 'requested')
    throw new OrderDomainError('ACTION_ALREADY_FINISHED', `attempt ${attempt.attemptKey} is already ${attempt.status}`);
  return [
    orderEvent('ActionSent', {
      actionType: request.actionType,
      attemptKey: attempt.attemptKey,
      lengowActionId,
      via: data.via === 'adopted' ? 'adopted' : 'posted',
      at,
    }),
  ];
}
