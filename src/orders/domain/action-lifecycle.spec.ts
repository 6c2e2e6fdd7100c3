import {
  actionTargetReached,
  classifyActionResult,
  isActionTooOld,
  normaliseActionErrors,
  tryOutcome,
} from './action-lifecycle.js';
import type { ActionAttempt, ActionTry } from './order-state.js';

const attempt = (status: ActionAttempt['status']): ActionAttempt => ({
  attemptKey: `k-${status}`,
  line: null,
  arguments: {},
  status,
  lengowActionId: null,
  via: null,
  sentAt: null,
  sendFailures: 0,
  nextSendAt: null,
  failures: [],
  finishedAt: null,
});
const actionTry = (
  attempts: ActionAttempt[],
  engineRejection: ActionTry['engineRejection'] = null,
  closedByStatus = false,
): ActionTry => ({
  tryKey: 't',
  tryNumber: 1,
  at: '2024-05-01T00:00:00.000Z',
  engineRejection,
  closedByStatus,
  attempts,
});

describe('classifyActionResult (lengow-api.md §5)', () => {
  it('waits while the action is queued, whatever else it says', () => {
    expect(classifyActionResult({ queued: true, processed: true, errors: 'boom' })).toEqual({ kind: 'waiting' });
  });

  it('waits while sent but not processed', () => {
    expect(classifyActionResult({ queued: false, processed: false, errors: [] })).toEqual({ kind: 'waiting' });
  });

  it('accepts a processed action without errors, including errors: null', () => {
    expect(classifyActionResult({ queued: false, processed: true, errors: [] })).toEqual({ kind: 'accepted' });
    expect(classifyActionResult({ queued: false, processed: true, errors: null })).toEqual({ kind: 'accepted' });
  });

  it('refuses an action with errors, processed or not', () => {
    expect(classifyActionResult({ queued: false, processed: false, errors: 'Invalid tracking number' })).toEqual({
      kind: 'refused',
      errors: ['Invalid tracking number'],
    });
  });
});

describe('normaliseActionErrors', () => {
  it('reads strings, lists and objects, and treats empty values as no error', () => {
    expect(normaliseActionErrors(null)).toEqual([]);
    expect(normaliseActionErrors('  ')).toEqual([]);
    expect(normaliseActionErrors([])).toEqual([]);
    expect(normaliseActionErrors(['a', ['b']])).toEqual(['a', 'b']);
    expect(normaliseActionErrors({ carrier: 'unknown carrier' })).toEqual(['unknown carrier']);
    expect(normaliseActionErrors(42)).toEqual(['42']);
  });
});

describe('isActionTooOld', () => {
  const sentAt = '2024-05-01T10:00:00.000Z';
  it('is false before three days and true from three days on', () => {
    expect(isActionTooOld(sentAt, Date.parse('2024-05-04T09:59:59.999Z'))).toBe(false);
    expect(isActionTooOld(sentAt, Date.parse('2024-05-04T10:00:00.000Z'))).toBe(true);
  });
});

describe('actionTargetReached', () => {
  it('knows when the marketplace already is where the action would take it', () => {
    expect(actionTargetReached('ship', 'shipped')).toBe(true);
    expect(actionTargetReached('ship', 'waiting_shipment')).toBe(false);
    expect(actionTargetReached('cancel', 'canceled')).toBe(true);
    expect(actionTargetReached('refund', 'refunded')).toBe(true);
    expect(actionTargetReached('refund', 'refunding')).toBe(true);
    expect(actionTargetReached('refund', null)).toBe(false);
  });

  it('given a whole-order refund, when Lengow shows partial_refunded, then its target is not reached', () => {
    expect(actionTargetReached('refund', 'partial_refunded')).toBe(false);
    expect(actionTargetReached('refund', 'partial_refunded', 'order')).toBe(false);
  });

  it('given a refund of some lines, when Lengow shows partial_refunded, refunded or refunding, then it is reached', () => {
    expect(actionTargetReached('refund', 'partial_refunded', 'lines')).toBe(true);
    expect(actionTargetReached('refund', 'refunded', 'lines')).toBe(true);
    expect(actionTargetReached('refund', 'refunding', 'lines')).toBe(true);
    expect(actionTargetReached('refund', 'shipped', 'lines')).toBe(false);
    expect(actionTargetReached('refund', null, 'lines')).toBe(false);
  });

  it('gives ship and cancel no other target for a scope of some lines', () => {
    expect(actionTargetReached('ship', 'partial_refunded', 'lines')).toBe(false);
    expect(actionTargetReached('cancel', 'partial_refunded', 'lines')).toBe(false);
    expect(actionTargetReached('ship', 'shipped', 'lines')).toBe(true);
  });
});

describe('tryOutcome', () => {
  it('is open while any attempt waits, failed when one failed, done when confirmed', () => {
    expect(tryOutcome(actionTry([attempt('confirmed'), attempt('sent')]))).toBe('open');
    expect(tryOutcome(actionTry([attempt('confirmed'), attempt('rejected')]))).toBe('failed');
    expect(tryOutcome(actionTry([attempt('timed_out')]))).toBe('failed');
    expect(tryOutcome(actionTry([attempt('confirmed'), attempt('closed_by_status')]))).toBe('done');
    expect(tryOutcome(actionTry([attempt('closed_by_status')]))).toBe('closed');
  });

  it('is failed for a try refused before sending, until a finishing status closes it', () => {
    const failure = { code: 'ARGUMENT_REQUIRED' as const, message: "can't send action: tracking_number is required" };
    expect(tryOutcome(actionTry([], [failure]))).toBe('failed');
    expect(tryOutcome(actionTry([], [failure], true))).toBe('closed');
  });
});
