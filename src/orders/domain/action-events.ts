import type { ActionFailure } from './action-failure.js';
import type { PlannedAction } from './build-action-arguments.js';
import type { DomainEvent } from './domain-event.js';
import type { ActionType } from './marketplace-definition.js';
import type { RefundedLine } from './shop-status-events.js';

/**
 * One generic lifecycle for ship, cancel and refund, discriminated by `actionType`: the three follow exactly the same
 * steps, so one set of events keeps evolve, sagas and projections free of triplicated code. "ShipRequested" is
 * `ActionRequested` with `actionType: 'ship'`, "ShipRejected" is `ActionRejected` with `actionType: 'ship'`, and so on.
 */
export type ActionScope =
  { readonly kind: 'order' } | { readonly kind: 'lines'; readonly lines: readonly RefundedLine[] };

export interface ActionTryData {
  readonly actionType: ActionType;
  readonly requestKey: string;
  /** n-th request of this action type on the order. */
  readonly sequence: number;
  readonly tryKey: string;
  /** 1 for the request, +1 for every explicit re-send. */
  readonly tryNumber: number;
  readonly shopOrderId: string;
  /** The shop change that triggered the request. */
  readonly changeId: string;
  readonly scope: ActionScope;
  /** Merchant choices the arguments were built with; a re-send reuses them unless new ones are given. */
  readonly choices: Readonly<Record<string, string>>;
}

export interface RequestedAction extends PlannedAction {
  /** Deterministic key of this POST: the saga's duplicate guard and the outcome events refer to it. */
  readonly attemptKey: string;
}

/** Intent: post these actions (one per line, or one for the order). */
export type ActionRequested = DomainEvent<
  'ActionRequested',
  ActionTryData & { readonly actions: readonly RequestedAction[]; readonly at: string }
>;

/** Lengow accepted the POST (or the duplicate guard found it already queued, `adopted`) and gave it this id. */
export type ActionSent = DomainEvent<
  'ActionSent',
  {
    readonly actionType: ActionType;
    readonly attemptKey: string;
    readonly lengowActionId: string;
    readonly via: 'posted' | 'adopted';
    readonly at: string;
  }
>;

/** The POST could not be made (timeout, 5xx, 429…); the saga retries after `nextAttemptAt`. */
export type ActionSendFailed = DomainEvent<
  'ActionSendFailed',
  {
    readonly actionType: ActionType;
    readonly attemptKey: string;
    readonly failure: ActionFailure;
    readonly sendFailures: number;
    readonly nextAttemptAt: string;
    readonly at: string;
  }
>;

/** The marketplace processed the action without error. */
export type ActionConfirmed = DomainEvent<
  'ActionConfirmed',
  { readonly actionType: ActionType; readonly attemptKey: string; readonly at: string }
>;

export type ActionRejected = DomainEvent<
  'ActionRejected',
  | (ActionTryData & { readonly source: 'engine'; readonly failures: readonly ActionFailure[]; readonly at: string })
  | {
      readonly actionType: ActionType;
      readonly source: 'lengow';
      readonly attemptKey: string;
      readonly failures: readonly ActionFailure[];
      readonly at: string;
    }
>;

/** No outcome three days after sending (lengow-api.md §5 `checkOldAction`). */
export type ActionTimedOut = DomainEvent<
  'ActionTimedOut',
  { readonly actionType: ActionType; readonly attemptKey: string; readonly failure: ActionFailure; readonly at: string }
>;

export type ActionEvent =
  ActionRequested | ActionSent | ActionSendFailed | ActionConfirmed | ActionRejected | ActionTimedOut;
