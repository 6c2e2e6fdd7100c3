import { evolve } from './evolve.js';
import type { OrderEvent } from './order-events.js';
import { initialState } from './order-state.js';
import { summariseOrder } from './order-summary.js';
import { snapshot } from './testing/order-fixtures.js';
import {
  actionOutcome,
  actionSent,
  historyOf,
  importOrder,
  later,
  ORDER_KEY,
  requestShip,
  shipAttempt,
  shipped,
  shopChange,
  shopOrdersCreated,
  STREAM,
} from './testing/order-scenario.js';

/** One order from first poll to closed, as the sagas would drive it. */
describe('order lifecycle', () => {
  const story = historyOf(
    importOrder(),
    importOrder({ now: later(0.5) }),
    shopOrdersCreated(),
    { type: 'RecordStockDecremented', data: { orderKey: ORDER_KEY, key: `${STREAM}:stock`, now: later(2) } },
    {
      type: 'RecordMerchantOrderIdsSent',
      data: { orderKey: ORDER_KEY, key: `${STREAM}:moi:1`, outcome: { kind: 'sent' }, now: later(2) },
    },
    importOrder({ now: later(5) }),
    shopChange('chg-ship', shipped()),
    requestShip(),
    requestShip(),
    actionSent(shipAttempt('DM-1'), '5001'),
    actionSent(shipAttempt('DM-2'), '5002'),
    actionOutcome(shipAttempt('DM-1'), { kind: 'accepted' }),
    actionOutcome(shipAttempt('DM-2'), { kind: 'accepted' }),
    importOrder({ snapshot: snapshot({ marketplaceStatus: 'Sent' }), now: later(60) }),
    importOrder({ snapshot: snapshot({ marketplaceStatus: 'Sent' }), now: later(75) }),
  );

  it('records each fact once, even though polls and sagas repeat themselves', () => {
    expect(
      story.map((event: OrderEvent) =>
        event.type === 'ActionSent' || event.type === 'ActionConfirmed'
          ? `${event.type}:${event.data.attemptKey.split(':').at(-1)}`
          : event.type,
      ),
    ).toEqual([
      'OrderImportPlanned',
      'OrderImported',
      'StockDecremented',
      'MerchantOrderIdsSent',
      'ShopOrderShipped',
      'ActionRequested',
      'ActionSent:DM-1',
      'ActionSent:DM-2',
      'ActionConfirmed:DM-1',
      'ActionConfirmed:DM-2',
      'LengowStatusChanged',
    ]);
  });

  it('ends imported, shipped and closed', () => {
    expect(summariseOrder(story.reduce(evolve, initialState()))).toEqual({
      import: { status: 'imported', generation: 1, reimportFailure: null },
      stock: { status: 'done' },
      actions: { ship: { status: 'done' }, cancel: { status: 'none' }, refund: { status: 'none' } },
      shopOrderIds: ['SO-1'],
      marketplaceStatus: 'Sent',
      lengowStatus: 'shipped',
      progress: 'closed',
    });
  });
});
