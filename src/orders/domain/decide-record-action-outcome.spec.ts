import { ACTION_TOO_OLD_MESSAGE } from './action-failure.js';
import { attemptsDueForTimeout } from './action-lifecycle.js';
import { evolve } from './evolve.js';
import { orderEvent } from './order-events.js';
import { initialState } from './order-state.js';
import { summariseOrder } from './order-summary.js';
import {
  actionOutcome,
  historyOf,
  importOrder,
  later,
  requestShip,
  shipAttempt,
  shipped,
  shipRequestedHistory,
  shipSentHistory,
  shopChange,
  shopOrdersCreated,
  spec,
  shipSentCommands,
} from './testing/order-scenario.js';

const THREE_DAYS = 3 * 24 * 60;
const policy = { initialDelaySeconds: 30, maxDelaySeconds: 600, maxAttempts: 2 };
const sentThen = (...outcomes: ReturnType<typeof actionOutcome>[]) => historyOf(...shipSentCommands(), ...outcomes);

describe('RecordActionOutcome', () => {
  it('confirms an accepted action (ShipConfirmed)', () => {
    spec
      .given(shipSentHistory())
      .when(actionOutcome(shipAttempt('DM-1'), { kind: 'accepted' }))
      .then([orderEvent('ActionConfirmed', { actionType: 'ship', attemptKey: shipAttempt('DM-1'), at: later(30) })]);
  });

  it("records the marketplace's refusal with its messages (ShipRejected)", () => {
    spec
      .given(shipSentHistory())
      .when(actionOutcome(shipAttempt('DM-1'), { kind: 'refused', errors: ['Invalid tracking number'] }))
      .then([
        orderEvent('ActionRejected', {
          actionType: 'ship',
          source: 'lengow',
          attemptKey: shipAttempt('DM-1'),
          failures: [{ code: 'LENGOW_REFUSED', message: 'Invalid tracking number' }],
          at: later(30),
        }),
      ]);
  });

  it("given Lengow's refusal text with NUL and past a page long, when recorded, then it is kept escaped and bounded", () => {
    const text = `Invalid\u0000 tracking ${'n'.repeat(1200)}`;
    const [event] = spec
      .given(shipSentHistory())
      .when(actionOutcome(shipAttempt('DM-1'), { kind: 'refused', errors: [text] }))
      .events();
    expect(event?.type === 'ActionRejected' && event.data.failures).toEqual([
      {
        code: 'LENGOW_REFUSED',
        message: `Invalid\\u0000 tracking ${'n'.repeat(1000 - 'Invalid\u0000 tracking '.length)}… (${text.length} characters)`,
      },
    ]);
  });

  it('gives a refusal without message a readable reason', () => {
    const [event] = spec
      .given(shipSentHistory())
      .when(actionOutcome(shipAttempt('DM-1'), { kind: 'refused', errors: [] }))
      .events();
    expect(event?.type === 'ActionRejected' && event.data.failures).toEqual([
      { code: 'LENGOW_REFUSED', message: 'action refused by the marketplace without a message' },
    ]);
  });

  it('times an action out three days after sending, not before (ShipTimedOut)', () => {
    spec
      .given(shipSentHistory())
      .when(actionOutcome(shipAttempt('DM-1'), { kind: 'timed_out' }, later(THREE_DAYS)))
      .thenThrows('ACTION_TIMEOUT_NOT_REACHED');
    spec
      .given(shipSentHistory())
      .when(actionOutcome(shipAttempt('DM-1'), { kind: 'timed_out' }, later(12 + THREE_DAYS)))
      .then([
        orderEvent('ActionTimedOut', {
          actionType: 'ship',
          attemptKey: shipAttempt('DM-1'),
          failure: { code: 'TIMED_OUT', message: ACTION_TOO_OLD_MESSAGE },
          at: later(12 + THREE_DAYS),
        }),
      ]);
  });

  it('lists attempts due for the timeout check', () => {
    const state = shipSentHistory().reduce(evolve, initialState());
    expect(attemptsDueForTimeout(state, Date.parse(later(12 + THREE_DAYS - 1)))).toEqual([]);
    expect(attemptsDueForTimeout(state, Date.parse(later(12 + THREE_DAYS)))).toEqual([
      shipAttempt('DM-1'),
      shipAttempt('DM-2'),
    ]);
  });

  it('still records a late answer after a timeout', () => {
    const timedOut = sentThen(actionOutcome(shipAttempt('DM-1'), { kind: 'timed_out' }, later(12 + THREE_DAYS)));
    spec
      .given(timedOut)
      .when(actionOutcome(shipAttempt('DM-1'), { kind: 'accepted' }, later(THREE_DAYS + 60)))
      .then([
        orderEvent('ActionConfirmed', {
          actionType: 'ship',
          attemptKey: shipAttempt('DM-1'),
          at: later(THREE_DAYS + 60),
        }),
      ]);
    spec
      .given(timedOut)
      .when(actionOutcome(shipAttempt('DM-1'), { kind: 'timed_out' }, later(THREE_DAYS + 60)))
      .thenNothingHappened();
  });

  it('keeps the first final outcome', () => {
    const confirmed = sentThen(actionOutcome(shipAttempt('DM-1'), { kind: 'accepted' }));
    spec
      .given(confirmed)
      .when(actionOutcome(shipAttempt('DM-1'), { kind: 'accepted' }, later(31)))
      .thenNothingHappened();
    spec
      .given(confirmed)
      .when(actionOutcome(shipAttempt('DM-1'), { kind: 'refused', errors: ['late'] }, later(31)))
      .thenNothingHappened();
  });

  it('refuses an outcome for an attempt not sent yet', () => {
    spec
      .given(shipRequestedHistory())
      .when(actionOutcome(shipAttempt('DM-1'), { kind: 'accepted' }))
      .thenThrows('ACTION_NOT_SENT');
    spec
      .given(shipRequestedHistory())
      .when(actionOutcome('unknown', { kind: 'accepted' }))
      .thenThrows('ACTION_NOT_FOUND');
  });

  describe('POST failures', () => {
    it('schedules a retry of a transient failure with backoff', () => {
      spec
        .given(shipRequestedHistory())
        .when(
          actionOutcome(
            shipAttempt('DM-1'),
            {
              kind: 'send_failed',
              transient: true,
              message: 'API call has been blocked by a timeout',
              retryPolicy: policy,
            },
            later(12),
          ),
        )
        .then([
          orderEvent('ActionSendFailed', {
            actionType: 'ship',
            attemptKey: shipAttempt('DM-1'),
            failure: { code: 'SEND_FAILED', message: 'API call has been blocked by a timeout' },
            sendFailures: 1,
            nextAttemptAt: new Date(Date.parse(later(12)) + 30_000).toISOString(),
            at: later(12),
          }),
        ]);
    });

    it('gives up after the retry budget with the plugin message', () => {
      const failedOnce = historyOf(
        importOrder(),
        shopOrdersCreated(),
        shopChange('chg-ship', shipped()),
        requestShip(),
        actionOutcome(
          shipAttempt('DM-1'),
          { kind: 'send_failed', transient: true, message: '503', retryPolicy: policy },
          later(12),
        ),
      );
      const [event] = spec
        .given(failedOnce)
        .when(
          actionOutcome(
            shipAttempt('DM-1'),
            { kind: 'send_failed', transient: true, message: '503', retryPolicy: policy },
            later(13),
          ),
        )
        .events();
      expect(event?.type === 'ActionRejected' && event.data.failures.map((failure) => failure.message)).toEqual([
        "can't create action because Lengow API is unavailable. Please retry",
        '503',
      ]);
    });

    it('rejects at once on a permanent failure', () => {
      const [event] = spec
        .given(shipRequestedHistory())
        .when(
          actionOutcome(shipAttempt('DM-1'), {
            kind: 'send_failed',
            transient: false,
            message: 'can\'t create action: {"detail":"bad"}',
            retryPolicy: policy,
          }),
        )
        .events();
      expect(event?.type === 'ActionRejected' && event.data.source).toBe('lengow');
    });

    it("given a permanent failure whose text carries Lengow's answer with a control character, when recorded, then it is escaped", () => {
      const [event] = spec
        .given(shipRequestedHistory())
        .when(
          actionOutcome(shipAttempt('DM-1'), {
            kind: 'send_failed',
            transient: false,
            message: 'can\'t create action: {"detail":"bad\u001b[31m"}',
            retryPolicy: policy,
          }),
        )
        .events();
      expect(event?.type === 'ActionRejected' && event.data.failures).toEqual([
        { code: 'SEND_FAILED', message: 'can\'t create action: {"detail":"bad\\u001b[31m"}' },
      ]);
    });

    it("keeps an attempt blocked on the engine's credentials waiting past the retry budget, with capped backoff", () => {
      const blocked = {
        kind: 'send_failed' as const,
        transient: false,
        blocked: true,
        message: 'token',
        retryPolicy: policy,
      };
      const history = historyOf(
        importOrder(),
        shopOrdersCreated(),
        shopChange('chg-ship', shipped()),
        requestShip(),
        ...Array.from({ length: 5 }, (_, index) => actionOutcome(shipAttempt('DM-1'), blocked, later(12 + index))),
      );
      expect(history.filter((event) => event.type === 'ActionRejected')).toEqual([]);
      const [event] = spec
        .given(history)
        .when(actionOutcome(shipAttempt('DM-1'), blocked, later(20)))
        .events();
      expect(event).toMatchObject({
        type: 'ActionSendFailed',
        data: {
          sendFailures: 6,
          nextAttemptAt: new Date(Date.parse(later(20)) + policy.maxDelaySeconds * 1000).toISOString(),
        },
      });
    });

    it('ignores a stale failure report for an attempt Lengow already has', () => {
      spec
        .given(shipSentHistory())
        .when(
          actionOutcome(shipAttempt('DM-1'), {
            kind: 'send_failed',
            transient: true,
            message: 'late',
            retryPolicy: policy,
          }),
        )
        .thenNothingHappened();
    });
  });

  it('shows the ship as done once every line is confirmed, and failed as soon as one is refused', () => {
    const done = sentThen(
      actionOutcome(shipAttempt('DM-1'), { kind: 'accepted' }),
      actionOutcome(shipAttempt('DM-2'), { kind: 'accepted' }),
    );
    expect(summariseOrder(done.reduce(evolve, initialState())).actions.ship).toEqual({ status: 'done' });
    const failed = sentThen(
      actionOutcome(shipAttempt('DM-1'), { kind: 'accepted' }),
      actionOutcome(shipAttempt('DM-2'), { kind: 'refused', errors: ['Invalid carrier'] }),
    );
    expect(summariseOrder(failed.reduce(evolve, initialState())).actions.ship).toEqual({
      status: 'failed',
      messages: ['Invalid carrier'],
    });
  });
});
