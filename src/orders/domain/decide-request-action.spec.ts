import { DEFAULT_IMPORT_SETTINGS } from './import-settings.js';
import { orderEvent } from './order-events.js';
import { definition, snapshot } from './testing/order-fixtures.js';
import {
  actionOutcome,
  actionSent,
  historyOf,
  importedHistory,
  importOrder,
  later,
  reimportOrder,
  requestCancel,
  requestRefund,
  requestShip,
  shipAttempt,
  shipped,
  shopChange,
  shopOrdersCreated,
  spec,
  STREAM,
} from './testing/order-scenario.js';

const withChange = (...changes: ReturnType<typeof shopChange>[]) =>
  historyOf(importOrder(), shopOrdersCreated(), ...changes);

describe('RequestShip / RequestCancel / RequestRefund', () => {
  it('requests one ship action per line with the resolved arguments (ShipRequested)', () => {
    const tryData = {
      actionType: 'ship' as const,
      requestKey: `${STREAM}:action:ship:1`,
      sequence: 1,
      tryKey: `${STREAM}:action:ship:1:try:1`,
      tryNumber: 1,
      shopOrderId: 'SO-1',
      changeId: 'chg-ship',
      scope: { kind: 'order' as const },
      choices: {},
    };
    const args = {
      carrier: 'COLISSIMO',
      tracking_number: 'TRK1',
      tracking_url: 'https://track.example/TRK1',
      shipping_method: 'Standard',
    };
    spec
      .given(withChange(shopChange('chg-ship', shipped())))
      .when(requestShip())
      .then([
        orderEvent('ActionRequested', {
          ...tryData,
          actions: [
            { line: 'DM-1', arguments: { ...args, line: 'DM-1' }, attemptKey: shipAttempt('DM-1') },
            { line: 'DM-2', arguments: { ...args, line: 'DM-2' }, attemptKey: shipAttempt('DM-2') },
          ],
          at: later(11),
        }),
      ]);
  });

  it('rejects the ship itself when a required argument is missing, without any call (ShipRejected)', () => {
    spec
      .given(withChange(shopChange('chg-ship', shipped(null))))
      .when(requestShip())
      .then([
        orderEvent('ActionRejected', {
          actionType: 'ship',
          requestKey: `${STREAM}:action:ship:1`,
          sequence: 1,
          tryKey: `${STREAM}:action:ship:1:try:1`,
          tryNumber: 1,
          shopOrderId: 'SO-1',
          changeId: 'chg-ship',
          scope: { kind: 'order' },
          choices: {},
          source: 'engine',
          failures: [{ code: 'ARGUMENT_REQUIRED', message: "can't send action: tracking_number is required" }],
          at: later(11),
        }),
      ]);
  });

  it('asks once per shop change', () => {
    spec
      .given(historyOf(importOrder(), shopOrdersCreated(), shopChange('chg-ship', shipped()), requestShip()))
      .when(requestShip())
      .thenNothingHappened();
  });

  it('makes a new request for a new shipment of the same order', () => {
    const history = historyOf(
      importOrder(),
      shopOrdersCreated(),
      shopChange('chg-ship', shipped()),
      requestShip(),
      shopChange('chg-ship-2', shipped('TRK2')),
    );
    const [event] = spec.given(history).when(requestShip('chg-ship-2')).events();
    expect(
      event?.type === 'ActionRequested' && [event.data.requestKey, event.data.actions[0]?.arguments.tracking_number],
    ).toEqual([`${STREAM}:action:ship:2`, 'TRK2']);
  });

  it('asks nothing when the marketplace already is where the action would take it', () => {
    const history = historyOf(
      importOrder(),
      shopOrdersCreated(),
      importOrder({ snapshot: snapshot({ marketplaceStatus: 'Sent' }), now: later(5) }),
      shopChange('chg-ship', shipped()),
    );
    spec.given(history).when(requestShip()).thenNothingHappened();
  });

  it('sends ship again when the tracking number of a shipped order is corrected', () => {
    const history = historyOf(
      importOrder(),
      shopOrdersCreated(),
      shopChange('chg-ship', shipped('WRONG-1')),
      requestShip(),
      importOrder({ snapshot: snapshot({ marketplaceStatus: 'Sent' }), now: later(5) }),
      shopChange('chg-ship-2', shipped('RIGHT-1')),
    );
    const [event] = spec.given(history).when(requestShip('chg-ship-2')).events();
    expect(
      event?.type === 'ActionRequested' && [event.data.requestKey, event.data.actions[0]?.arguments.tracking_number],
    ).toEqual([`${STREAM}:action:ship:2`, 'RIGHT-1']);
  });

  describe('the same shop change reported twice', () => {
    const shippedTwice = (...between: Parameters<typeof historyOf>) =>
      historyOf(
        importOrder(),
        shopOrdersCreated(),
        shopChange('chg-ship', shipped('TRK1')),
        requestShip(),
        ...between,
        shopChange('chg-ship-2', shipped('TRK1'), 'SO-1', later(20)),
      );
    const sent = [actionSent(shipAttempt('DM-1')), actionSent(shipAttempt('DM-2'), '5002')];

    it('asks nothing while the first ship is waiting at Lengow', () => {
      spec.given(shippedTwice()).when(requestShip('chg-ship-2')).thenNothingHappened();
      spec
        .given(shippedTwice(...sent))
        .when(requestShip('chg-ship-2'))
        .thenNothingHappened();
    });

    it('asks nothing once Lengow took the first one, although the status polled still says waiting_shipment', () => {
      const confirmed = shippedTwice(
        ...sent,
        actionOutcome(shipAttempt('DM-1'), { kind: 'accepted' }),
        actionOutcome(shipAttempt('DM-2'), { kind: 'accepted' }),
      );
      spec.given(confirmed).when(requestShip('chg-ship-2')).thenNothingHappened();
    });

    it('asks again after the first was refused: saving the shipment again is a new try', () => {
      const refused = shippedTwice(
        ...sent,
        actionOutcome(shipAttempt('DM-1'), { kind: 'refused', errors: ['Invalid tracking number'] }),
        actionOutcome(shipAttempt('DM-2'), { kind: 'refused', errors: ['Invalid tracking number'] }),
      );
      const [event] = spec.given(refused).when(requestShip('chg-ship-2')).events();
      expect(event?.type === 'ActionRequested' && event.data.requestKey).toBe(`${STREAM}:action:ship:2`);
    });

    it('asks again for another tracking number while the first is waiting (a correction)', () => {
      const history = historyOf(
        importOrder(),
        shopOrdersCreated(),
        shopChange('chg-ship', shipped('TRK1')),
        requestShip(),
        shopChange('chg-ship-2', shipped('TRK2'), 'SO-1', later(20)),
      );
      const [event] = spec.given(history).when(requestShip('chg-ship-2')).events();
      expect(event?.type === 'ActionRequested' && event.data.actions[0]?.arguments.tracking_number).toBe('TRK2');
    });

    it('asks nothing for a second cancel of the same shop order while the first is waiting', () => {
      const history = historyOf(
        importOrder(),
        shopOrdersCreated(),
        shopChange('chg-cancel', { kind: 'canceled' }),
        requestCancel(),
        shopChange('chg-cancel-2', { kind: 'canceled' }, 'SO-1', later(20)),
      );
      spec.given(history).when(requestCancel('chg-cancel-2')).thenNothingHappened();
    });
  });

  it('asks nothing for the same tracking number saved again on a shipped order', () => {
    const history = historyOf(
      importOrder(),
      shopOrdersCreated(),
      shopChange('chg-ship', shipped('SAME-1')),
      requestShip(),
      importOrder({ snapshot: snapshot({ marketplaceStatus: 'Sent' }), now: later(5) }),
      shopChange('chg-ship-2', shipped('SAME-1')),
    );
    spec.given(history).when(requestShip('chg-ship-2')).thenNothingHappened();
  });

  it('asks Lengow for a cancel the status last polled does not allow: Lengow, not the engine, refuses it (§4)', () => {
    const history = historyOf(
      importOrder(),
      shopOrdersCreated(),
      importOrder({ snapshot: snapshot({ marketplaceStatus: 'Accepted' }), now: later(5) }),
      shopChange('chg-cancel', { kind: 'canceled' }),
    );
    const [event] = spec.given(history).when(requestCancel()).events();
    expect(event?.type).toBe('ActionRequested');
  });

  it('requests a cancel with the default reason', () => {
    const [event] = spec
      .given(withChange(shopChange('chg-cancel', { kind: 'canceled' })))
      .when(requestCancel())
      .events();
    expect(event?.type === 'ActionRequested' && event.data.actions.map((action) => action.arguments)).toEqual([
      { reason: 'OUT_OF_STOCK', line: 'DM-1' },
      { reason: 'OUT_OF_STOCK', line: 'DM-2' },
    ]);
  });

  describe('a refund right after Lengow took the ship, before the next poll', () => {
    const base = definition();
    const afterShipment = definition({
      actions: { ...base.actions, refund: { ...base.actions.refund!, status: ['shipped', 'closed'] } },
    });
    const refundAfter = (...shipOutcomes: Parameters<typeof historyOf>) =>
      historyOf(
        importOrder(),
        shopOrdersCreated(),
        shopChange('chg-ship', shipped()),
        requestShip(),
        actionSent(shipAttempt('DM-1')),
        actionSent(shipAttempt('DM-2'), '5002'),
        ...shipOutcomes,
        shopChange('chg-refund', { kind: 'refunded' }, 'SO-1', later(40)),
      );
    const refund = () =>
      requestRefund('chg-refund', { definition: afterShipment, choices: { refund_reason: 'RETURN' }, now: later(41) });

    it('is checked as shipped: the status polled (waiting_shipment) predates the confirmation', () => {
      const confirmed = refundAfter(
        actionOutcome(shipAttempt('DM-1'), { kind: 'accepted' }),
        actionOutcome(shipAttempt('DM-2'), { kind: 'accepted' }),
      );
      const [event] = spec.given(confirmed).when(refund()).events();
      expect(event?.type).toBe('ActionRequested');
    });

    it('is still refused while the ship waits at Lengow', () => {
      const [event] = spec.given(refundAfter()).when(refund()).events();
      expect(event?.type === 'ActionRejected' && event.data.failures).toEqual([
        {
          code: 'ACTION_NOT_ALLOWED_IN_STATUS',
          message: 'refund action not available for this order_state: waiting_shipment',
        },
      ]);
    });
  });

  it('requests one refund per refunded line, with its quantity', () => {
    const history = historyOf(
      importOrder(),
      shopOrdersCreated(),
      importOrder({ snapshot: snapshot({ marketplaceStatus: 'Delivered' }), now: later(5) }),
      shopChange('chg-refund', { kind: 'line_refunded', lines: [{ marketplaceLineId: 'DM-2', quantity: 1 }] }),
    );
    const [event] = spec.given(history).when(requestRefund()).events();
    expect(event?.type === 'ActionRequested' && [event.data.scope, event.data.actions]).toEqual([
      { kind: 'lines', lines: [{ marketplaceLineId: 'DM-2', quantity: 1 }] },
      [
        {
          line: 'DM-2',
          arguments: { refund_reason: 'RETURN', quantity: '1', line: 'DM-2' },
          attemptKey: `${STREAM}:action:refund:1:try:1:line:DM-2`,
        },
      ],
    ]);
  });

  it('refuses a change that is unknown or of the wrong kind', () => {
    spec.given(importedHistory()).when(requestShip('nope')).thenThrows('SHOP_CHANGE_NOT_FOUND');
    spec
      .given(withChange(shopChange('chg-cancel', { kind: 'canceled' })))
      .when(requestShip('chg-cancel'))
      .thenThrows('SHOP_CHANGE_KIND_MISMATCH');
    spec
      .given(withChange(shopChange('chg-ship', shipped())))
      .when(requestRefund('chg-ship'))
      .thenThrows('SHOP_CHANGE_KIND_MISMATCH');
  });

  it('refuses to act for a shop order replaced by a re-import', () => {
    const history = historyOf(
      importOrder(),
      shopOrdersCreated(),
      shopChange('chg-cancel', { kind: 'canceled' }),
      reimportOrder(),
      shopOrdersCreated(2, undefined, later(61)),
    );
    spec
      .given(history)
      .when(requestCancel('chg-cancel', { now: later(62) }))
      .thenThrows('SHOP_ORDER_REPLACED');
  });

  it('refuses ship for an order the marketplace ships itself', () => {
    const fba = snapshot({ orderTypes: [{ type: 'is_delivered_by_marketplace', label: 'AFN' }] });
    const history = historyOf(
      importOrder({ snapshot: fba, settings: { ...DEFAULT_IMPORT_SETTINGS, createShippedByMarketplace: true } }),
      shopOrdersCreated(),
      shopChange('chg-ship', shipped()),
    );
    spec.given(history).when(requestShip()).thenThrows('ACTION_NOT_APPLICABLE');
  });

  it('refuses before the order is imported', () => {
    spec.given([]).when(requestShip()).thenThrows('ORDER_NOT_FOUND');
  });

  it('reads the current status through the definition given with the command', () => {
    const noShip = definition({ actions: { cancel: definition().actions.cancel! } });
    const [event] = spec
      .given(withChange(shopChange('chg-ship', shipped())))
      .when(requestShip('chg-ship', { definition: noShip }))
      .events();
    expect(event?.type === 'ActionRejected' && event.data.failures).toEqual([
      { code: 'ACTION_NOT_SUPPORTED', message: 'marketplace actions ship are not present' },
    ]);
  });
});
