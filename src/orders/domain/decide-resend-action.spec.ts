import { ACTION_TOO_OLD_MESSAGE } from './action-failure.js';
import { evolve } from './evolve.js';
import { initialState } from './order-state.js';
import { summariseOrder } from './order-summary.js';
import { carrierMapping, homeCarrier, pkg, snapshot } from './testing/order-fixtures.js';
import {
  actionOutcome,
  historyOf,
  importedHistory,
  importOrder,
  later,
  resend,
  requestCancel,
  requestShip,
  shipAttempt,
  shipped,
  shipSentHistory,
  shopChange,
  shopOrdersCreated,
  spec,
  STREAM,
  shipSentCommands,
} from './testing/order-scenario.js';
import type { ShopStatusChange } from './order-commands.js';

const THREE_DAYS = 3 * 24 * 60;
const shippedWith = (carrier = homeCarrier): ShopStatusChange => ({
  ...(shipped() as Extract<ShopStatusChange, { kind: 'shipped' }>),
  carrier,
});
const noMapping = carrierMapping({ carriers: [], defaults: [] });
/** An order whose marketplace sent no carrier, so the ship carrier comes from the merchant's mapping. */
const importWithoutMarketplaceCarrier = () =>
  importOrder({
    snapshot: snapshot({
      packages: [pkg({ tracking: { carrier: null, method: 'Standard', number: null, relayId: null } })],
    }),
  });
const rejectedForCarrier = () =>
  historyOf(
    importWithoutMarketplaceCarrier(),
    shopOrdersCreated(),
    shopChange('chg-ship', shippedWith()),
    requestShip('chg-ship', { carrierMapping: noMapping }),
  );

describe('ResendAction', () => {
  it('refuses when there is no failed action (NO_FAILED_ACTION)', () => {
    spec.given(importedHistory()).when(resend()).thenThrows('NO_FAILED_ACTION');
    spec
      .given(shipSentHistory())
      .when(resend({ actionType: 'cancel' }))
      .thenThrows('NO_FAILED_ACTION');
  });

  it('refuses while the last action is still waiting', () => {
    spec.given(shipSentHistory()).when(resend()).thenThrows('ACTION_STILL_OPEN');
  });

  it('sends only the refused lines again, under a new attempt key', () => {
    const refused = historyOf(
      ...shipSentCommands(),
      actionOutcome(shipAttempt('DM-1'), { kind: 'accepted' }),
      actionOutcome(shipAttempt('DM-2'), { kind: 'refused', errors: ['temporary marketplace error'] }),
    );
    const [event] = spec.given(refused).when(resend()).events();
    expect(
      event?.type === 'ActionRequested' && [event.data.tryKey, event.data.actions.map((action) => action.attemptKey)],
    ).toEqual([`${STREAM}:action:ship:1:try:2`, [shipAttempt('DM-2', 2)]]);
  });

  it('sends again after a timeout', () => {
    const timedOut = historyOf(
      ...shipSentCommands(),
      actionOutcome(shipAttempt('DM-1'), { kind: 'timed_out' }, later(12 + THREE_DAYS)),
      actionOutcome(shipAttempt('DM-2'), { kind: 'accepted' }, later(12 + THREE_DAYS)),
    );
    const state = timedOut.reduce(evolve, initialState());
    expect(summariseOrder(state).actions.ship).toEqual({ status: 'failed', messages: [ACTION_TOO_OLD_MESSAGE] });
    const [event] = spec
      .given(timedOut)
      .when(resend({ now: later(THREE_DAYS + 60) }))
      .events();
    expect(event?.type === 'ActionRequested' && event.data.actions.map((action) => action.line)).toEqual(['DM-1']);
  });

  it('rebuilds the arguments, so a fixed carrier mapping is used', () => {
    const rejected = rejectedForCarrier();
    expect(rejected.at(-1)?.type).toBe('ActionRejected');
    const [event] = spec.given(rejected).when(resend()).events();
    expect(
      event?.type === 'ActionRequested' && [event.data.tryNumber, event.data.actions[0]?.arguments.carrier],
    ).toEqual([2, 'DHL']);
  });

  it('records a new refusal when nothing was fixed', () => {
    const rejected = rejectedForCarrier();
    const [event] = spec
      .given(rejected)
      .when(resend({ carrierMapping: noMapping }))
      .events();
    expect(
      event?.type === 'ActionRejected' && [event.data.source, event.data.source === 'engine' && event.data.tryNumber],
    ).toEqual(['engine', 2]);
  });

  it('no longer offers a re-send once a finishing status closed the failure', () => {
    const rejected = [
      ...rejectedForCarrier(),
      ...spec
        .given(rejectedForCarrier())
        .when(importOrder({ snapshot: snapshot({ marketplaceStatus: 'Sent' }), now: later(60) }))
        .events(),
    ];
    // The marketplace says shipped: what the ship asked for holds, so it shows as done.
    expect(summariseOrder(rejected.reduce(evolve, initialState())).actions.ship).toEqual({ status: 'done' });
    spec.given(rejected).when(resend()).thenThrows('NO_FAILED_ACTION');
  });

  it('picks the requested action type, else the most recent failure', () => {
    const both = historyOf(
      importWithoutMarketplaceCarrier(),
      shopOrdersCreated(),
      shopChange('chg-ship', shippedWith()),
      requestShip('chg-ship', { carrierMapping: noMapping }),
      shopChange('chg-cancel', { kind: 'canceled' }, 'SO-1', later(20)),
      requestCancel('chg-cancel', { choices: { reason: 'BORED' }, now: later(21) }),
    );
    const [ship] = spec
      .given(both)
      .when(resend({ actionType: 'ship' }))
      .events();
    expect(ship?.type === 'ActionRequested' && ship.data.actionType).toBe('ship');
    const [latest] = spec.given(both).when(resend()).events();
    expect(
      latest?.type === 'ActionRejected' && [
        latest.data.actionType,
        latest.data.failures.map((failure) => failure.message),
      ],
    ).toEqual([
      'cancel',
      ["can't send action: BORED is not a valid value for reason (valid: OUT_OF_STOCK, CUSTOMER_REQUEST)"],
    ]);
  });
});
