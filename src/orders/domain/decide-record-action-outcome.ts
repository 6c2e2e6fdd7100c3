import { actionFailures } from './action-failure.js';
import { findAttempt, isActionTooOld } from './action-lifecycle.js';
import { requireImported } from './command-guards.js';
import { backoffSeconds } from './import-settings.js';
import { addSeconds, parseInstant, toIso } from './instant.js';
import type { RecordActionOutcome } from './order-commands.js';
import { OrderDomainError } from './order-domain-error.js';
import { orderEvent, type OrderEvent } from './order-events.js';
import type { ActionAttempt, OrderState } from './order-state.js';

const FINAL: readonly ActionAttempt['status'][] = ['confirmed', 'rejected', 'closed_by_status'];

/**
 * What happened to a posted attempt. The first final outcome wins: later contradictory reports are ignored, except
 * that a timed-out action the marketplace processed late is still recorded as confirmed or refused.
 */
export function decideRecordActionOutcome(command: RecordActionOutcome, state: OrderState): OrderEvent[] {
  const { data } = command;
  const nowMs = parseInstant(data.now);
  const at = toIso(nowMs);
  requireImported(state, data.orderKey);
  const located = findAttempt(state, data.attemptKey);
  if (!located)
    throw new OrderDomainError('ACTION_NOT_FOUND', `no action attempt ${String(data.attemptKey)} on this order`);
  const { attempt, request } = located;
  const actionType = request.actionType;
  const outcome = data.outcome;
  if (FINAL.includes(attempt.status)) return [];

  if (outcome.kind === 'send_failed') {
    // A failure report for an attempt Lengow already knows is stale.
    if (attempt.status !== 'requested') return [];
    const message =
      typeof outcome.message === 'string' && outcome.message.trim() !== '' ? outcome.message.trim() : 'unknown error';
    if (!outcome.transient && outcome.blocked !== true)
      return [
        orderEvent('ActionRejected', {
          actionType,
          source: 'lengow',
          attemptKey: attempt.attemptKey,
          failures: [actionFailures.sendFailed(message)],
          at,
        }),
      ];
    const sendFailures = attempt.sendFailures + 1;
    if (outcome.blocked !== true && sendFailures >= outcome.retryPolicy.maxAttempts) {
      return [
        orderEvent('ActionRejected', {
          actionType,
          source: 'lengow',
          attemptKey: attempt.attemptKey,
          failures: [actionFailures.unavailable(), actionFailures.sendFailed(message)],
          at,
        }),
      ];
    }
    const nextAttemptAt = toIso(addSeconds(nowMs, backoffSeconds(outcome.retryPolicy, sendFailures)));
    return [
      orderEvent('ActionSendFailed', {
        actionType,
        attemptKey: attempt.attemptKey,
        failure: actionFailures.sendFailed(message),
        sendFailures,
        nextAttemptAt,
        at,
      }),
    ];
  }

  if (attempt.status === 'requested' || attempt.sentAt === null) {
    throw new OrderDomainError('ACTION_NOT_SENT', `attempt ${attempt.attemptKey} has not been sent to Lengow`);
  }
  switch (outcome.kind) {
    case 'accepted':
      return [orderEvent('ActionConfirmed', { actionType, attemptKey: attempt.attemptKey, at })];
    case 'refused': {
      const errors = (Array.isArray(outcome.errors) ? outcome.errors : []).filter(
        (error) => typeof error === 'string' && error.trim() !== '',
      );
      const failures = (errors.length > 0 ? errors : ['action refused by the marketplace without a message']).map(
        (error) => actionFailures.refused(error),
      );
      return [
        orderEvent('ActionRejected', { actionType, source: 'lengow', attemptKey: attempt.attemptKey, failures, at }),
      ];
    }
    case 'timed_out':
      if (attempt.status === 'timed_out') return [];
      if (!isActionTooOld(attempt.sentAt, nowMs))
        throw new OrderDomainError(
          'ACTION_TIMEOUT_NOT_REACHED',
          `attempt ${attempt.attemptKey} was sent less than 3 days ago`,
        );
      return [
        orderEvent('ActionTimedOut', {
          actionType,
          attemptKey: attempt.attemptKey,
          failure: actionFailures.timedOut(),
          at,
        }),
      ];
    default:
      throw new OrderDomainError('INVALID_COMMAND', 'unknown action outcome');
  }
}
