import type { ActionScope } from './action-events.js';
import { addSeconds, parseInstant } from './instant.js';
import type { LengowStatus } from './lengow-status.js';
import type { ActionType } from './marketplace-definition.js';
import type { ActionAttempt, ActionRequest, ActionTry, AttemptStatus, OrderState } from './order-state.js';

/** Three days without outcome and the action is declared too old (lengow-api.md §5, `checkOldAction`). */
export const ACTION_TIMEOUT_SECONDS = 3 * 24 * 3600;

const OPEN: readonly AttemptStatus[] = ['requested', 'sent'];
const FAILED: readonly AttemptStatus[] = ['rejected', 'timed_out'];

export const isOpenAttempt = (attempt: Pick<ActionAttempt, 'status'>) => OPEN.includes(attempt.status);
export const isFailedAttempt = (attempt: Pick<ActionAttempt, 'status'>) => FAILED.includes(attempt.status);

/** Fields of a Lengow action resource that carry its outcome; any of them may be missing or null. */
export interface LengowActionResult {
  readonly queued?: boolean | null;
  readonly processed?: boolean | null;
  readonly errors?: unknown;
}

export type ActionResultClass =
  | { readonly kind: 'waiting' }
  | { readonly kind: 'accepted' }
  | { readonly kind: 'refused'; readonly errors: readonly string[] };

/** `errors` comes as null, a string, a list or an object depending on the channel: null or empty means "no error" (§13 #15). */
export function normaliseActionErrors(errors: unknown): string[] {
  if (errors === null || errors === undefined) return [];
  if (typeof errors === 'string') return errors.trim() === '' ? [] : [errors.trim()];
  if (Array.isArray(errors)) return errors.flatMap((item) => normaliseActionErrors(item));
  if (typeof errors === 'object')
    return Object.values(errors as Record<string, unknown>).flatMap((item) => normaliseActionErrors(item));
  return [String(errors)];
}

/**
 * Outcome of a polled action (lengow-api.md §5 "Result semantics"): still queued → wait; errors → refused; processed →
 * accepted; otherwise sent and waiting for the marketplace. Unlike the plugins, a null field does not make the result
 * unreadable: a processed action with `errors: null` is accepted.
 */
export function classifyActionResult(result: LengowActionResult): ActionResultClass {
  if (result.queued === true) return { kind: 'waiting' };
  const errors = normaliseActionErrors(result.errors);
  if (errors.length > 0) return { kind: 'refused', errors };
  if (result.processed === true) return { kind: 'accepted' };
  return { kind: 'waiting' };
}

export function isActionTooOld(sentAt: string, nowMs: number): boolean {
  return nowMs >= addSeconds(parseInstant(sentAt, 'sentAt'), ACTION_TIMEOUT_SECONDS);
}

/** Lengow statuses in which the action's purpose already holds: asking again would only produce a refusal. */
const TARGET_STATUSES: Readonly<Record<ActionType, readonly LengowStatus[]>> = {
  ship: ['shipped', 'closed'],
  cancel: ['canceled', 'refused'],
  refund: ['refunded', 'refunding'],
};

/** Reached by an action about some lines besides its whole-order targets: a refund of some lines, `partial_refunded`. */
const LINE_TARGET_STATUSES: Readonly<Record<ActionType, readonly LengowStatus[]>> = {
  ship: [],
  cancel: [],
  refund: ['partial_refunded'],
};

/**
 * Whether the order already is where the action would take it. A refund about some lines (`scope` `lines`) also counts
 * `partial_refunded`: the status does not say which lines, but once such a refund is sent it is enough not to declare
 * it too old (sent again, it could refund twice). Deciding whether to ask for a new refund of some lines uses `order`,
 * the default: `partial_refunded` may be another line's refund.
 */
export function actionTargetReached(
  actionType: ActionType,
  lengowStatus: LengowStatus | null,
  scope: ActionScope['kind'] = 'order',
): boolean {
  if (lengowStatus === null) return false;
  const targets =
    scope === 'lines'
      ? [...TARGET_STATUSES[actionType], ...LINE_TARGET_STATUSES[actionType]]
      : TARGET_STATUSES[actionType];
  return targets.includes(lengowStatus);
}

export type TryOutcome = 'open' | 'failed' | 'done' | 'closed';

export function tryOutcome(actionTry: ActionTry): TryOutcome {
  if (actionTry.engineRejection !== null) return actionTry.closedByStatus ? 'closed' : 'failed';
  if (actionTry.attempts.some(isOpenAttempt)) return 'open';
  if (actionTry.attempts.some(isFailedAttempt)) return 'failed';
  return actionTry.attempts.some((attempt) => attempt.status === 'confirmed') ? 'done' : 'closed';
}

export function latestTry(request: ActionRequest): ActionTry | undefined {
  return request.tries[request.tries.length - 1];
}

/**
 * The latest request of a type for each current shop order, oldest first: with several packages each shop order ships
 * (or is canceled) on its own, and a newer request for one package must not hide a failure of another. Requests of
 * shop orders replaced by a re-import are left out.
 */
export function latestRequests(state: OrderState, actionType: ActionType): ActionRequest[] {
  const active = new Set(
    state.shopOrders.filter((order) => order.status === 'active').map((order) => order.shopOrderId),
  );
  const latest = new Map<string, ActionRequest>();
  for (const request of state.actionRequests) {
    if (request.actionType === actionType && active.has(request.shopOrderId)) latest.set(request.shopOrderId, request);
  }
  return state.actionRequests.filter((request) => latest.get(request.shopOrderId) === request);
}

export interface LocatedAttempt {
  readonly request: ActionRequest;
  readonly actionTry: ActionTry;
  readonly attempt: ActionAttempt;
}

export function findAttempt(state: OrderState, attemptKey: string): LocatedAttempt | undefined {
  for (const request of state.actionRequests) {
    for (const actionTry of request.tries) {
      const attempt = actionTry.attempts.find((candidate) => candidate.attemptKey === attemptKey);
      if (attempt) return { request, actionTry, attempt };
    }
  }
  return undefined;
}

/**
 * What a finishing Lengow status closes: every open attempt and every still-visible failure (attempt keys, and try keys
 * of tries refused before sending), as the plugins finish all open actions and send errors of the order.
 */
export function keysClosedByFinishingStatus(state: OrderState): string[] {
  const keys: string[] = [];
  for (const request of state.actionRequests) {
    for (const actionTry of request.tries) {
      if (actionTry.engineRejection !== null && !actionTry.closedByStatus) keys.push(actionTry.tryKey);
      for (const attempt of actionTry.attempts)
        if (isOpenAttempt(attempt) || isFailedAttempt(attempt)) keys.push(attempt.attemptKey);
    }
  }
  return keys;
}

/** Sent attempts still without outcome three days later: the saga checks the real order, then records the timeout. */
export function attemptsDueForTimeout(state: OrderState, nowMs: number): string[] {
  return state.actionRequests.flatMap((request) =>
    request.tries.flatMap((actionTry) =>
      actionTry.attempts
        .filter(
          (attempt) => attempt.status === 'sent' && attempt.sentAt !== null && isActionTooOld(attempt.sentAt, nowMs),
        )
        .map((attempt) => attempt.attemptKey),
    ),
  );
}
